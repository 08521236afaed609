using Strata.Infra;
using Strata.Infra.Catalog;
using Strata.Infra.Postgres;

namespace Strata.UnitTests.Infra;

public sealed class PostgresDialectTests
{
    private const string Password = "Known-Password-0123456789";
    private readonly PostgresDialect _dialect = new(_ => Password);

    [Fact]
    public void A_login_is_created_with_a_SCRAM_verifier_and_the_plan_shows_neither_it_nor_the_password()
    {
        var statement = Assert.Single(_dialect.Statements(new CatalogChange(ChangeAction.Create,
            new CatalogObject(ObjectKinds.Role, "strata_reports", new Dictionary<string, string> { ["login"] = "true" }))));

        Assert.Equal("CREATE ROLE \"strata_reports\" LOGIN PASSWORD '<SCRAM verifier of the password in the secret store>'", statement.Shown);
        Assert.StartsWith("CREATE ROLE \"strata_reports\" LOGIN PASSWORD 'SCRAM-SHA-256$4096:", statement.ToRun(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, statement.ToRun(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ChangeAction.Grant, "CONNECT", ObjectKinds.Database, "w", null, "GRANT CONNECT ON DATABASE \"w\" TO \"r\"")]
    [InlineData(ChangeAction.Revoke, "SELECT", ObjectKinds.Table, "gold.fct", null, "REVOKE SELECT ON \"gold\".\"fct\" FROM \"r\"")]
    [InlineData(ChangeAction.Grant, "SELECT", ObjectKinds.FutureTables, "gold", "t",
        "ALTER DEFAULT PRIVILEGES FOR ROLE \"t\" IN SCHEMA \"gold\" GRANT SELECT ON TABLES TO \"r\"")]
    [InlineData(ChangeAction.Revoke, CatalogGrant.Member, ObjectKinds.Role, "admin", null, "REVOKE \"admin\" FROM \"r\"")]
    public void Grants_are_spelled_as_PostgreSQL_spells_them(ChangeAction action, string privilege, string kind, string name, string? createdBy, string expected)
    {
        var statement = Assert.Single(_dialect.Statements(new CatalogChange(action, Grant: new CatalogGrant(privilege, kind, name, "r", createdBy))));

        Assert.Equal(expected, statement.ToRun());
    }
}
