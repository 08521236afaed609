using System.Text.RegularExpressions;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>One submission to the fake SQL API, split into its statements: a transaction when it is <c>BEGIN TRANSACTION; …; COMMIT</c>.</summary>
public sealed partial record CapturedRequest(string Text, IReadOnlyList<string> Statements)
{
    /// <summary>Every submission of <paramref name="server"/>, in order (a retried one counts once).</summary>
    public static IReadOnlyList<CapturedRequest> Of(FakeSnowflakeServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return server.Submissions.Where(s => !s.IsRetry).Select(s => s.Statement!)
            .Select(text => new CapturedRequest(text, text.StartsWith("BEGIN TRANSACTION;\n", StringComparison.Ordinal) ? text.Split(";\n") : [text]))
            .ToList();
    }

    /// <summary>Every statement <paramref name="server"/> was sent, a transaction's one by one (so a grammar failure names the one statement).</summary>
    public static IReadOnlyList<string> StatementsOf(FakeSnowflakeServer server) => Of(server).SelectMany(r => r.Statements).ToList();

    /// <summary>A <c>BEGIN … COMMIT</c> request.</summary>
    public bool IsTransaction => Statements.Count > 1;

    /// <summary>The statements between <c>BEGIN</c> and <c>COMMIT</c>.</summary>
    public IReadOnlyList<string> Inner => IsTransaction ? Statements.Skip(1).SkipLast(1).ToList() : [];

    /// <summary>Whether <paramref name="sql"/> is DML.</summary>
    public static bool IsWrite(string sql) => Write().IsMatch(sql);

    /// <summary>Whether <paramref name="sql"/> is DDL.</summary>
    public static bool IsDdl(string sql) => Ddl().IsMatch(sql);

    /// <summary>Whether <paramref name="sql"/> writes to <paramref name="relation"/> (quoted and qualified).</summary>
    public static bool Writes(string sql, string relation) =>
        sql == $"DELETE FROM {relation}" ||
        new[] { "INSERT INTO", "DELETE FROM", "UPDATE", "MERGE INTO" }.Any(verb => sql.StartsWith($"{verb} {relation} ", StringComparison.Ordinal));

    /// <summary>The text with each build's scratch suffix written <c>__BUILD</c>, for golden comparisons.</summary>
    public static string Normalized(string sql) => BuildSuffix().Replace(sql ?? "", "__BUILD\"");

    [GeneratedRegex(@"^(INSERT|DELETE|UPDATE|MERGE)\b")]
    private static partial Regex Write();

    [GeneratedRegex(@"^(CREATE|DROP|ALTER)\b")]
    private static partial Regex Ddl();

    [GeneratedRegex(@"__[0-9A-F]{8}""")]
    private static partial Regex BuildSuffix();
}
