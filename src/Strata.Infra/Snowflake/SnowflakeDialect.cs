using Strata.Infra.Catalog;

namespace Strata.Infra.Snowflake;

/// <summary>Snowflake's spelling of a change: CREATE/ALTER WAREHOUSE, RESOURCE MONITOR, ROLE; GRANT … TO ROLE or USER; future grants.</summary>
internal sealed class SnowflakeDialect : IInfraDialect
{
    public IReadOnlyList<InfraStatement> Statements(CatalogChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Grant is { } grant ? GrantStatements(change.Action, grant) : [ObjectStatement(change)];
    }

    private static string ObjectStatement(CatalogChange change)
    {
        var target = change.Object!;
        var name = SnowflakeNames.Sql(target.Name);
        return (change.Action, target.Kind) switch
        {
            (ChangeAction.Create, ObjectKinds.Database) => $"CREATE DATABASE {name}",
            (ChangeAction.Create, ObjectKinds.Schema) => $"CREATE SCHEMA {name}",
            (ChangeAction.Create, ObjectKinds.Role) => $"CREATE ROLE {name}",
            (ChangeAction.Create, ObjectKinds.Warehouse) => $"CREATE WAREHOUSE {name} WITH {WarehouseProperties(target.Attributes, target.Attributes.Keys)} INITIALLY_SUSPENDED = TRUE",
            (ChangeAction.Alter, ObjectKinds.Warehouse) => $"ALTER WAREHOUSE {name} SET {WarehouseProperties(target.Attributes, change.Differences!.Keys)}",
            (ChangeAction.Create, ObjectKinds.ResourceMonitor) =>
                $"CREATE RESOURCE MONITOR {name} WITH CREDIT_QUOTA = {target.Attributes["credit_quota"]} FREQUENCY = {target.Attributes["frequency"]} START_TIMESTAMP = IMMEDIATELY",
            (ChangeAction.Alter, ObjectKinds.ResourceMonitor) =>
                $"ALTER RESOURCE MONITOR {name} SET CREDIT_QUOTA = {target.Attributes["credit_quota"]} FREQUENCY = {target.Attributes["frequency"]} START_TIMESTAMP = IMMEDIATELY",
            _ => throw new InvalidOperationException($"no Snowflake statement for {change.Action} of a {target.Kind}"),
        };
    }

    private static string WarehouseProperties(IReadOnlyDictionary<string, string> attributes, IEnumerable<string> keys) =>
        string.Join(" ", keys.Order(StringComparer.Ordinal).Select(key => key switch
        {
            "size" => $"WAREHOUSE_SIZE = '{attributes[key]}'",
            "auto_suspend" => $"AUTO_SUSPEND = {attributes[key]}",
            "auto_resume" => $"AUTO_RESUME = {attributes[key].ToUpperInvariant()}",
            "resource_monitor" => $"RESOURCE_MONITOR = {SnowflakeNames.Sql(attributes[key])}",
            _ => throw new InvalidOperationException($"no Snowflake warehouse property {key}"),
        }));

    /// <summary><c>TABLES</c> or <c>VIEWS</c>: what a future grant is on.</summary>
    private static string Relations(CatalogGrant grant) => grant.ObjectKind == ObjectKinds.FutureViews ? "VIEWS" : "TABLES";

    private static List<InfraStatement> GrantStatements(ChangeAction action, CatalogGrant grant)
    {
        var (verb, direction) = action == ChangeAction.Revoke ? ("REVOKE", "FROM") : ("GRANT", "TO");
        var grantee = $"ROLE {SnowflakeNames.Sql(grant.Grantee)}";
        var name = SnowflakeNames.Sql(grant.ObjectName);
        return grant.ObjectKind switch
        {
            ObjectKinds.Role when grant.Privilege == CatalogGrant.UserMember => [$"{verb} ROLE {name} {direction} USER {SnowflakeNames.Identifier(grant.Grantee)}"],
            ObjectKinds.Role => [$"{verb} ROLE {name} {direction} {grantee}"],

            // Tables (views) that exist already get the privilege once; the future grant covers the ones made later.
            ObjectKinds.FutureTables or ObjectKinds.FutureViews when action == ChangeAction.Grant =>
                [$"GRANT {grant.Privilege} ON FUTURE {Relations(grant)} IN SCHEMA {name} TO {grantee}", $"GRANT {grant.Privilege} ON ALL {Relations(grant)} IN SCHEMA {name} TO {grantee}"],
            ObjectKinds.FutureTables or ObjectKinds.FutureViews => [$"REVOKE {grant.Privilege} ON FUTURE {Relations(grant)} IN SCHEMA {name} FROM {grantee}"],
            _ => [$"{verb} {grant.Privilege} ON {grant.ObjectKind.ToUpperInvariant()} {name} {direction} {grantee}"],
        };
    }
}
