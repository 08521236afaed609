namespace Strata.Source.Schema;

/// <summary>
/// <c>strata.slot_owners</c> in the source database: which warehouse owns each replication slot, so a second
/// warehouse on the same pipeline is refused instead of taking the slot (and the changes) of the first.
/// </summary>
/// <remarks>Outside the published schema; <c>source init</c> creates it and lets the CDC login read and write it.</remarks>
public static class SlotOwnersTable
{
    /// <summary>The schema.</summary>
    public const string Schema = "strata";

    /// <summary>The table, qualified.</summary>
    public const string Qualified = "strata.slot_owners";

    internal const string Create = """
        CREATE TABLE strata.slot_owners (
            slot_name text PRIMARY KEY,
            warehouse_id text NOT NULL,
            warehouse text NOT NULL,
            pipeline text NOT NULL,
            claimed_at timestamptz NOT NULL DEFAULT now())
        """;
}
