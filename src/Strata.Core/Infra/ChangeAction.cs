namespace Strata.Infra;

/// <summary>What a planned change does; the order here is the order of a plan (dependencies first).</summary>
public enum ChangeAction
{
    /// <summary>Creates an object (database, role, schema, warehouse, publication, table).</summary>
    Create,

    /// <summary>Changes an existing object's attributes (login, owner, size, a publication's tables).</summary>
    Alter,

    /// <summary>Takes a privilege or membership away.</summary>
    Revoke,

    /// <summary>Gives a privilege or membership.</summary>
    Grant,
}
