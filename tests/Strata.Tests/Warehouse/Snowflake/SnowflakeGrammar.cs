using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Strata.Testing;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Parses statements with a Snowflake SQL grammar: sqlparser-rs' Snowflake dialect compiled to wasm
/// (<c>@guanmingchiu/sqlparser-ts</c>), run by the machine's Node.js from <c>tests/sql-grammar</c>, installed from its
/// lock file by <c>tests/sql-grammar/install</c> (which scripts/test runs). A statement that does not parse fails the test.
/// That dialect is lenient (it also accepts PostgreSQL's <c>ON CONFLICT</c>, <c>$1</c> and type names it does not
/// know), so the constructs Snowflake lacks that the other adapters write are refused here as well.
/// </summary>
public static partial class SnowflakeGrammar
{
    private static readonly (Regex Pattern, string Why)[] NotSnowflake =
    [
        (new Regex(@"\bON\s+CONFLICT\b", RegexOptions.IgnoreCase), "ON CONFLICT is PostgreSQL's"),
        (new Regex(@"\$[0-9]+"), "Snowflake's bind variables are ?, not $n"),
        (new Regex(@"\b(JSONB|BYTEA|TIMESTAMPTZ|BLOB|UUID|HUGEINT)\b", RegexOptions.IgnoreCase), "not a Snowflake type"),
        (new Regex(@"\bCREATE\s+TEMP\s+", RegexOptions.IgnoreCase), "Snowflake writes TEMPORARY"),
        // Strata writes unquoted names in lower case and keywords in upper case: these lower-case words stand where a
        // name does (in a list, a comparison, before FROM), and Snowflake reserves them (docs.snowflake.com/en/sql-reference/reserved-keywords).
        (new Regex(@"(?<![\w.$])(?:trigger|rows|sample|start|increment|issue)(?=\s*(?:,|\)|=|<|>|$)|\s+(?:FROM|IS|AS|DESC|ASC|AND|OR)\b)"),
            "a word Snowflake reserves, unquoted where a name stands; quote it"),
    ];

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Fails, naming each statement and the parser's error, unless every one parses.</summary>
    public static async Task AssertParsesAsync(IReadOnlyCollection<string> statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        Assert.NotEmpty(statements);
        var results = await ParseAsync(statements);
        var failures = statements.Zip(results)
            .Select(p => (Sql: p.First, Error: p.Second ?? NotSnowflake.Where(n => n.Pattern.IsMatch(Unquoted().Replace(p.First, "''"))).Select(n => n.Why).FirstOrDefault()))
            .Where(p => p.Error is not null).Select(p => $"{p.Error}\n  in: {p.Sql}").ToList();
        Assert.True(failures.Count == 0, $"{failures.Count} of {statements.Count} statements do not parse as Snowflake SQL:\n{string.Join("\n", failures)}");
    }

    /// <summary>The parser's error for each statement, in order; null where it parsed.</summary>
    private static async Task<string?[]> ParseAsync(IReadOnlyCollection<string> statements)
    {
        var folder = Path.Combine(Repository.Root, "tests", "sql-grammar");
        if (!Directory.Exists(Path.Combine(folder, "node_modules", "@guanmingchiu", "sqlparser-ts")))
        {
            Assert.Fail($"the Snowflake SQL grammar is not installed in {folder}; run tests/sql-grammar/install (scripts/test does)");
        }

        var start = new ProcessStartInfo("node", "parse.mjs")
        {
            WorkingDirectory = folder,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var node = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        using var deadline = new CancellationTokenSource(Deadline);
        var output = node.StandardOutput.ReadToEndAsync(deadline.Token);
        var errors = node.StandardError.ReadToEndAsync(deadline.Token);
        await node.StandardInput.WriteAsync(JsonSerializer.Serialize(statements));
        node.StandardInput.Close();
        await node.WaitForExitAsync(deadline.Token);
        Assert.True(node.ExitCode == 0, $"node parse.mjs failed: {await errors}");

        return JsonSerializer.Deserialize<string?[]>(await output)!;
    }

    // String literals and quoted names, whose text is data, not syntax.
    [GeneratedRegex(@"'(?:[^'\\]|\\.|'')*'|""(?:[^""]|"""")*""")]
    private static partial Regex Unquoted();
}
