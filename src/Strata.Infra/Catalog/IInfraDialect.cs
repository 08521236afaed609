namespace Strata.Infra.Catalog;

/// <summary>How an engine spells a <see cref="CatalogChange"/>: PostgreSQL's and Snowflake's GRANT differ, the diff does not.</summary>
public interface IInfraDialect
{
    /// <summary>The statements that make the change, secrets filled in only when run.</summary>
    IReadOnlyList<InfraStatement> Statements(CatalogChange change);
}
