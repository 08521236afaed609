using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Tests.Warehouse.Snowflake;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Infra.Snowflake;

/// <summary>
/// A small in-memory Snowflake account for <c>strata infra</c> behind <see cref="FakeSnowflakeAccount"/>: roles, users'
/// role grants, databases, schemas, compute warehouses, resource monitors, grants and future grants. It starts as the
/// captured empty account (<c>empty-account.json</c>) and answers SHOW in the captured rows' shapes
/// (<c>applied-account.json</c> lends a row of each kind), spelled as Snowflake reads back (<c>X-Small</c>,
/// <c>100.00</c>, <c>OWNERSHIP</c> to the creating role). The statements infra writes change it; each is checked as
/// Snowflake would (a grant on a missing object, or a create of an existing one, fails with Snowflake's code), and a
/// statement it does not model is refused, never ignored.
/// </summary>
/// <remarks>
/// Tables are modelled as names only, made by what Strata's metadata migration sends through the warehouse adapter
/// (<c>FakeSnowflakeCatalog.Metadata.cs</c>), with the schema's version: SHOW TABLES, grants on them. Not modelled:
/// columns, <c>ON ALL TABLES</c> or <c>VIEWS</c> (grants nothing), privileges of the session's role (it may do everything),
/// users beyond those named at the start, and the exact column types of SHOW output (a few are typed, the rest text).
/// </remarks>
public sealed partial class FakeSnowflakeCatalog
{
    private const string Id = @"(?:[A-Za-z_][A-Za-z0-9_$]*|""(?:[^""]|"""")*"")";
    private const string Name = $"{Id}(?:\\.{Id})*";

    // Which SHOW columns come typed rather than as text (a guess at Snowflake's rowType; the session reads any type as text).
    private static readonly Dictionary<string, object> TypedColumns = new(StringComparer.Ordinal)
    {
        ["auto_suspend"] = Column("auto_suspend", "fixed", scale: 0),
        ["auto_resume"] = Column("auto_resume", "boolean"),
        ["credit_quota"] = Column("credit_quota", "fixed", scale: 2),
    };

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Dictionary<string, string?>>> _templates;
    private readonly HashSet<string> _users;
    private int _next;

    /// <summary>The captured empty account, with <paramref name="users"/> (Snowflake's stored names) able to receive roles.</summary>
    public FakeSnowflakeCatalog(params string[] users)
    {
        _users = [.. users];
        _templates = Load("applied-account.json");
        var empty = Load("empty-account.json");
        Roles = empty["SHOW ROLES"];
        Databases = empty["SHOW DATABASES"];
        Warehouses = empty["SHOW WAREHOUSES"];
    }

    /// <summary>Every statement other than SHOW and SELECT the account was sent, in order, whether it succeeded or not.</summary>
    public List<string> Executed { get; } = [];

    /// <summary>Every SHOW it answered.</summary>
    public List<string> Shown { get; } = [];

    private List<Dictionary<string, string?>> Roles { get; }

    private List<Dictionary<string, string?>> Databases { get; }

    private List<Dictionary<string, string?>> Schemas { get; } = [];

    private List<Dictionary<string, string?>> Warehouses { get; }

    private List<Dictionary<string, string?>> Monitors { get; } = [];

    /// <summary>SHOW GRANTS rows: privileges and role memberships (<c>granted_on</c> ROLE), to roles and to users.</summary>
    private List<Dictionary<string, string?>> Grants { get; } = [];

    private List<Dictionary<string, string?>> FutureGrants { get; } = [];

    /// <summary>SHOW TABLES rows.</summary>
    private List<Dictionary<string, string?>> Tables { get; } = [];

    /// <summary>Each schema's metadata version, by its stored qualified name.</summary>
    private Dictionary<string, long> Versions { get; } = new(StringComparer.Ordinal);

    /// <summary>The answer to a request: SHOW from the model, a statement applied to it; null for the fake account's default (the probe's SELECT).</summary>
    public FakeAnswer? Answer(FakeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!request.IsSubmit || request.Statement is not { } statement)
        {
            return null;
        }

        var role = request.Body!.Value.TryGetProperty("role", out var given) ? given.GetString()! : "SYSADMIN";
        lock (_gate)
        {
            var handle = $"infra-{++_next}";
            try
            {
                if (Metadata(request, statement, role, handle) is { } metadata)
                {
                    return metadata;
                }

                if (statement.StartsWith("SELECT ", StringComparison.Ordinal))
                {
                    return null;
                }

                if (statement.StartsWith("SHOW ", StringComparison.Ordinal))
                {
                    Shown.Add(statement);
                    return Rows(handle, Show(statement));
                }

                Executed.Add(statement);
                Apply(statement, role);
                return ResultSet(handle, [Column("status", "text")], [["Statement executed successfully."]]);
            }
            catch (SnowflakeRefusal refusal)
            {
                return Failure(422, refusal.Code, refusal.SqlState, refusal.Message, handle);
            }
        }
    }

    private List<Dictionary<string, string?>> Show(string statement)
    {
        if (Match(statement, "SHOW ROLES") is not null)
        {
            return Roles;
        }

        if (Match(statement, "SHOW DATABASES") is not null)
        {
            return Databases;
        }

        if (Match(statement, "SHOW RESOURCE MONITORS") is not null)
        {
            return Monitors;
        }

        if (Match(statement, "SHOW WAREHOUSES") is not null)
        {
            return Warehouses;
        }

        if (Match(statement, $"SHOW SCHEMAS IN DATABASE (?<db>{Name})") is { } inDatabase)
        {
            var database = Existing(Databases, "Database", Stored(inDatabase["db"].Value));
            return [.. Schemas.Where(s => s["database_name"] == database)];
        }

        if (Match(statement, $"SHOW GRANTS TO ROLE (?<role>{Name})") is { } toRole)
        {
            var role = Existing(Roles, "Role", Stored(toRole["role"].Value));
            return [.. Grants.Where(g => g["granted_to"] == "ROLE" && g["grantee_name"] == role)];
        }

        if (Match(statement, $"SHOW GRANTS OF ROLE (?<role>{Name})") is { } ofRole)
        {
            var role = Existing(Roles, "Role", Stored(ofRole["role"].Value));
            return [.. Grants.Where(g => g["granted_on"] == "ROLE" && g["name"] == role).Select(g => new Dictionary<string, string?>
            {
                ["created_on"] = g["created_on"], ["role"] = role, ["granted_to"] = g["granted_to"], ["grantee_name"] = g["grantee_name"], ["granted_by"] = g["granted_by"],
            })];
        }

        if (Match(statement, $"SHOW FUTURE GRANTS IN SCHEMA (?<schema>{Name})") is { } future)
        {
            var schema = ExistingSchema(Stored(future["schema"].Value));
            return [.. FutureGrants.Where(g => g["name"] is { } name && name.StartsWith($"{schema}.<", StringComparison.Ordinal))];
        }

        if (Match(statement, $"SHOW TABLES IN SCHEMA (?<schema>{Name})") is { } inSchema)
        {
            var schema = ExistingSchema(Stored(inSchema["schema"].Value));
            return [.. Tables.Where(t => $"{t["database_name"]}.{t["schema_name"]}" == schema)];
        }

        if (Match(statement, $"SHOW GRANTS ON (?<kind>WAREHOUSE|DATABASE|SCHEMA) (?<name>{Name})") is { } on)
        {
            var kind = on["kind"].Value;
            var name = kind == "SCHEMA" ? ExistingSchema(Stored(on["name"].Value)) : Existing(kind == "WAREHOUSE" ? Warehouses : Databases, Title(kind), Stored(on["name"].Value));
            return [.. Grants.Where(g => g["granted_on"] == kind && g["name"] == name)];
        }

        throw Unmodelled(statement);
    }

    /// <summary>A result set whose columns are the rows' keys, in the captured order, some typed.</summary>
    private static FakeAnswer Rows(string handle, List<Dictionary<string, string?>> rows)
    {
        var columns = rows.Count == 0 ? ["name"] : rows[0].Keys.ToList();
        return ResultSet(handle, [.. columns.Select(c => TypedColumns.GetValueOrDefault(c) ?? Column(c, "text"))], [.. rows.Select(r => columns.Select(c => r.GetValueOrDefault(c)).ToArray())]);
    }

    private static GroupCollection? Match(string statement, string pattern)
    {
        var match = Regex.Match(statement, $"^{pattern}$", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups : null;
    }

    /// <summary>A name as Snowflake stores it: bare parts upper-cased, quoted ones as written.</summary>
    private static string Stored(string name) => string.Join('.', Regex.Matches(name, Id).Select(part =>
        part.Value.StartsWith('"') ? part.Value[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : part.Value.ToUpperInvariant()));

    private static string Existing(List<Dictionary<string, string?>> rows, string kind, string name) =>
        rows.Any(r => r["name"] == name) ? name : throw SnowflakeRefusal.NotFound(kind, name);

    /// <summary><c>WAREHOUSE</c> → <c>Warehouse</c>, as Snowflake's messages name kinds.</summary>
    private static string Title(string kind) => kind[0] + kind[1..].ToLowerInvariant();

    private bool HasSchema(string qualified) => Schemas.Any(s => $"{s["database_name"]}.{s["name"]}" == qualified);

    private string ExistingSchema(string qualified) =>
        HasSchema(qualified) ? qualified : throw SnowflakeRefusal.NotFound("Schema", qualified);

    private bool HasTable(string qualified) => Tables.Any(t => Qualified(t) == qualified);

    private string ExistingTable(string qualified) =>
        HasTable(qualified) ? qualified : throw SnowflakeRefusal.NotFound("Table", qualified);

    private static SnowflakeRefusal Unmodelled(string statement) =>
        new("001003", "42000", $"SQL compilation error: the fake account does not model this statement: {statement}");

    private static Dictionary<string, List<Dictionary<string, string?>>> Load(string file) =>
        JsonSerializer.Deserialize<Dictionary<string, List<Dictionary<string, string?>>>>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Infra", "Snowflake", file)))!;

    /// <summary>A copy of the captured row of <paramref name="statement"/> matching <paramref name="pick"/>, with <paramref name="values"/> set.</summary>
    private Dictionary<string, string?> Row(string statement, Func<Dictionary<string, string?>, bool> pick, Dictionary<string, string?> values)
    {
        var row = new Dictionary<string, string?>(_templates[statement].First(pick), StringComparer.Ordinal);
        foreach (var (key, value) in values)
        {
            row[key] = row.ContainsKey(key) ? value : throw new InvalidOperationException($"the captured rows of {statement} have no column {key}");
        }

        return row;
    }

    /// <summary>What Snowflake answers 422 with: its error code, SQLSTATE and message.</summary>
    private sealed class SnowflakeRefusal(string code, string sqlState, string message) : Exception(message)
    {
        public string Code => code;

        public string SqlState => sqlState;

        public static SnowflakeRefusal NotFound(string kind, string name) => new("002003", "02000", $"SQL compilation error:\n{kind} '{name}' does not exist or not authorized.");

        public static SnowflakeRefusal Exists(string name) => new("002002", "42710", $"SQL compilation error:\nObject '{name}' already exists.");
    }
}
