using System.Globalization;
using System.Text.RegularExpressions;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>The statements <c>strata infra</c> writes (and a test's drift by hand), applied to the model as Snowflake would.</summary>
public sealed partial class FakeSnowflakeCatalog
{
    private const string Created = "2026-12-01 10:00:00.000 -0800";

    /// <summary>How SHOW WAREHOUSES spells the sizes CREATE WAREHOUSE takes.</summary>
    private static readonly Dictionary<string, string> SizeShown = new(StringComparer.Ordinal)
    {
        ["XSMALL"] = "X-Small", ["SMALL"] = "Small", ["MEDIUM"] = "Medium", ["LARGE"] = "Large", ["XLARGE"] = "X-Large", ["XXLARGE"] = "2X-Large",
    };

    private void Apply(string statement, string role)
    {
        if (Match(statement, $"CREATE (?<kind>DATABASE|SCHEMA|ROLE) (?<name>{Name})") is { } create)
        {
            Create(create["kind"].Value, Stored(create["name"].Value), role);
        }
        else if (Match(statement, $"CREATE WAREHOUSE (?<name>{Name}) WITH (?<properties>.+) INITIALLY_SUSPENDED = TRUE") is { } warehouse)
        {
            var name = Stored(warehouse["name"].Value);
            NotExisting(Warehouses, name);
            var row = Row("SHOW WAREHOUSES", r => r["resource_monitor"] != "null", new() { ["name"] = name, ["state"] = "SUSPENDED", ["owner"] = role, ["created_on"] = Created });
            Set(row, warehouse["properties"].Value);
            Warehouses.Add(row);
            Grant("OWNERSHIP", "WAREHOUSE", name, "ROLE", role, role);
        }
        else if (Match(statement, $"ALTER WAREHOUSE (?<name>{Name}) SET (?<properties>.+)") is { } alter)
        {
            Set(Warehouses.First(w => w["name"] == Existing(Warehouses, "Warehouse", Stored(alter["name"].Value))), alter["properties"].Value);
        }
        else if (Match(statement, $"(?<verb>CREATE|ALTER) RESOURCE MONITOR (?<name>{Name}) (?:WITH|SET) CREDIT_QUOTA = (?<quota>[0-9]+) FREQUENCY = (?<frequency>MONTHLY|DAILY|WEEKLY|YEARLY|NEVER) START_TIMESTAMP = IMMEDIATELY") is { } monitor)
        {
            Monitor(monitor["verb"].Value == "CREATE", Stored(monitor["name"].Value), decimal.Parse(monitor["quota"].Value, CultureInfo.InvariantCulture), monitor["frequency"].Value, role);
        }
        else if (Match(statement, $"(?<verb>GRANT|REVOKE) ROLE (?<role>{Name}) (?:TO|FROM) (?<kind>ROLE|USER) (?<grantee>{Name})") is { } membership)
        {
            var grantee = Stored(membership["grantee"].Value);
            _ = membership["kind"].Value == "ROLE" ? Existing(Roles, "Role", grantee) : _users.Contains(grantee) ? grantee : throw SnowflakeRefusal.NotFound("User", grantee);
            Change(membership["verb"].Value, Grants, "USAGE", "ROLE", Existing(Roles, "Role", Stored(membership["role"].Value)), membership["kind"].Value, grantee, role);
        }
        else if (Match(statement, $"(?<verb>GRANT|REVOKE) (?<privilege>[A-Z ]+?) ON FUTURE (?<kind>TABLES|VIEWS) IN SCHEMA (?<schema>{Name}) (?:TO|FROM) ROLE (?<grantee>{Name})") is { } future)
        {
            var schema = ExistingSchema(Stored(future["schema"].Value));
            var grantee = Existing(Roles, "Role", Stored(future["grantee"].Value));
            var kind = future["kind"].Value == "VIEWS" ? "VIEW" : "TABLE";
            FutureGrants.RemoveAll(g => g["privilege"] == future["privilege"].Value && g["name"] == $"{schema}.<{kind}>" && g["grantee_name"] == grantee);
            if (future["verb"].Value == "GRANT")
            {
                FutureGrants.Add(Row("SHOW FUTURE GRANTS IN SCHEMA STRATA.GOLD", _ => true, new()
                {
                    ["privilege"] = future["privilege"].Value, ["grant_on"] = kind, ["name"] = $"{schema}.<{kind}>", ["grantee_name"] = grantee, ["created_on"] = Created,
                }));
            }
        }
        else if (Match(statement, $"GRANT (?<privilege>[A-Z ]+?) ON ALL (?:TABLES|VIEWS) IN SCHEMA (?<schema>{Name}) TO ROLE (?<grantee>{Name})") is { } all)
        {
            // Only Strata's metadata tables are modelled, and no schema holding them is granted on this way; the names must still exist.
            _ = ExistingSchema(Stored(all["schema"].Value));
            _ = Existing(Roles, "Role", Stored(all["grantee"].Value));
        }
        else if (Match(statement, $"(?<verb>GRANT|REVOKE) (?<privilege>[A-Z ]+?) ON (?<kind>WAREHOUSE|DATABASE|SCHEMA|TABLE) (?<name>{Name}) (?:TO|FROM) ROLE (?<grantee>{Name})") is { } privilege)
        {
            var kind = privilege["kind"].Value;
            var stored = Stored(privilege["name"].Value);
            var name = kind switch
            {
                "SCHEMA" => ExistingSchema(stored),
                "TABLE" => ExistingTable(stored),
                _ => Existing(kind == "WAREHOUSE" ? Warehouses : Databases, Title(kind), stored),
            };
            Change(privilege["verb"].Value, Grants, privilege["privilege"].Value, kind, name, "ROLE", Existing(Roles, "Role", Stored(privilege["grantee"].Value)), role);
        }
        else
        {
            throw Unmodelled(statement);
        }
    }

    private void Create(string kind, string name, string role)
    {
        switch (kind)
        {
            case "ROLE":
                NotExisting(Roles, name);
                Roles.Add(Row("SHOW ROLES", r => r["owner"] != "", new() { ["name"] = name, ["owner"] = role, ["created_on"] = Created }));
                Grant("OWNERSHIP", "ROLE", name, "ROLE", role, role);
                break;
            case "DATABASE":
                NotExisting(Databases, name);
                Databases.Add(Row("SHOW DATABASES", r => r["kind"] == "STANDARD", new() { ["name"] = name, ["owner"] = role, ["is_current"] = "N", ["created_on"] = Created }));
                Grant("OWNERSHIP", "DATABASE", name, "ROLE", role, role);
                // As Snowflake does: every database comes with these two.
                AddSchema(name, "INFORMATION_SCHEMA", "");
                AddSchema(name, "PUBLIC", role);
                break;
            default:
                var dot = name.LastIndexOf('.');
                var database = dot > 0 ? Existing(Databases, "Database", name[..dot]) : throw new SnowflakeRefusal("090105", "22000", "Cannot perform CREATE SCHEMA. This session does not have a current database.");
                if (HasSchema(name))
                {
                    throw SnowflakeRefusal.Exists(name);
                }

                AddSchema(database, name[(dot + 1)..], role);
                Grant("OWNERSHIP", "SCHEMA", name, "ROLE", role, role);
                break;
        }
    }

    private void AddSchema(string database, string name, string owner) =>
        Schemas.Add(Row("SHOW SCHEMAS IN DATABASE STRATA", _ => true, new() { ["name"] = name, ["database_name"] = database, ["owner"] = owner, ["created_on"] = Created }));

    private void Monitor(bool create, string name, decimal quota, string frequency, string role)
    {
        var values = new Dictionary<string, string?> { ["credit_quota"] = quota.ToString("0.00", CultureInfo.InvariantCulture), ["frequency"] = frequency };
        if (create)
        {
            NotExisting(Monitors, name);
            values["name"] = name;
            values["owner"] = role;
            values["used_credits"] = "0.00";
            values["remaining_credits"] = values["credit_quota"];
            values["created_on"] = Created;
            Monitors.Add(Row("SHOW RESOURCE MONITORS", _ => true, values));
            return;
        }

        var row = Monitors.First(m => m["name"] == Existing(Monitors, "Resource monitor", name));
        foreach (var (key, value) in values)
        {
            row[key] = value;
        }
    }

    /// <summary>Sets <c>KEY = value</c> properties of CREATE/ALTER WAREHOUSE on its SHOW row, as SHOW spells them back.</summary>
    private void Set(Dictionary<string, string?> warehouse, string properties)
    {
        var matches = Regex.Matches(properties, $"(?<key>[A-Z_]+) = (?<value>'[A-Z0-9]+'|TRUE|FALSE|[0-9]+|{Name})(?: |$)");
        if (string.Concat(matches.Select(m => m.Value)).Length != properties.Length)
        {
            throw Unmodelled(properties);
        }

        foreach (Match property in matches)
        {
            var value = property.Groups["value"].Value;
            switch (property.Groups["key"].Value)
            {
                case "WAREHOUSE_SIZE":
                    warehouse["size"] = SizeShown.GetValueOrDefault(value.Trim('\'')) ?? throw Unmodelled(value);
                    break;
                case "AUTO_SUSPEND":
                    warehouse["auto_suspend"] = value;
                    break;
                case "AUTO_RESUME":
                    warehouse["auto_resume"] = value.ToLowerInvariant();
                    break;
                case "RESOURCE_MONITOR":
                    warehouse["resource_monitor"] = Existing(Monitors, "Resource monitor", Stored(value));
                    break;
                default:
                    throw Unmodelled(property.Value);
            }
        }
    }

    private static void NotExisting(List<Dictionary<string, string?>> rows, string name)
    {
        if (rows.Any(r => r["name"] == name))
        {
            throw SnowflakeRefusal.Exists(name);
        }
    }

    /// <summary>GRANT adds the row unless it is there (Snowflake grants twice without complaint); REVOKE removes it, if any.</summary>
    private void Change(string verb, List<Dictionary<string, string?>> grants, string privilege, string on, string name, string toKind, string grantee, string by)
    {
        grants.RemoveAll(g => g["privilege"] == privilege && g["granted_on"] == on && g["name"] == name && g["granted_to"] == toKind && g["grantee_name"] == grantee);
        if (verb == "GRANT")
        {
            Grant(privilege, on, name, toKind, grantee, by);
        }
    }

    private void Grant(string privilege, string on, string name, string toKind, string grantee, string by) =>
        Grants.Add(Row("SHOW GRANTS TO ROLE STRATA_REPORTS", _ => true, new()
        {
            ["privilege"] = privilege, ["granted_on"] = on, ["name"] = name, ["granted_to"] = toKind, ["grantee_name"] = grantee, ["granted_by"] = by, ["created_on"] = Created,
        }));
}
