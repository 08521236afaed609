using System.Text;

namespace Strata.Warehouse.Snowflake;

/// <summary>Works on statement text: the <c>?</c> markers outside strings, quoted names and comments.</summary>
public static class SnowflakeSqlText
{
    /// <summary>
    /// <paramref name="sql"/> with each <c>?</c> marker replaced by the literal of the next of <paramref name="parameters"/>:
    /// how a statement with parameters joins a multi-statement request, where bind variables are not allowed.
    /// </summary>
    public static string Inline(string sql, IReadOnlyList<object?>? parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (parameters is not { Count: > 0 })
        {
            return sql;
        }

        var text = new StringBuilder(sql.Length + 16 * parameters.Count);
        var next = 0;
        for (var i = 0; i < sql.Length; i++)
        {
            var c = sql[i];
            var end = SkipQuotedOrComment(sql, i);
            if (end > i)
            {
                text.Append(sql, i, end - i);
                i = end - 1;
            }
            else if (c == '?')
            {
                if (next >= parameters.Count)
                {
                    throw new ArgumentException($"the statement has more ? markers than the {parameters.Count} parameters given", nameof(parameters));
                }

                text.Append(SnowflakeLiterals.Sql(parameters[next++]));
            }
            else
            {
                text.Append(c);
            }
        }

        return next == parameters.Count ? text.ToString() : throw new ArgumentException($"the statement has {next} ? markers for {parameters.Count} parameters", nameof(parameters));
    }

    // The index just past a string, quoted name, $$ string or comment starting at i; i itself when none starts there.
    private static int SkipQuotedOrComment(string sql, int i)
    {
        switch (sql[i])
        {
            case '\'':
                for (var j = i + 1; j < sql.Length; j++)
                {
                    if (sql[j] == '\\')
                    {
                        j++;
                    }
                    else if (sql[j] == '\'')
                    {
                        if (j + 1 < sql.Length && sql[j + 1] == '\'')
                        {
                            j++;
                        }
                        else
                        {
                            return j + 1;
                        }
                    }
                }

                return sql.Length;
            case '"':
                for (var j = i + 1; j < sql.Length; j++)
                {
                    if (sql[j] == '"')
                    {
                        if (j + 1 < sql.Length && sql[j + 1] == '"')
                        {
                            j++;
                        }
                        else
                        {
                            return j + 1;
                        }
                    }
                }

                return sql.Length;
            case '$' when i + 1 < sql.Length && sql[i + 1] == '$':
                var close = sql.IndexOf("$$", i + 2, StringComparison.Ordinal);
                return close < 0 ? sql.Length : close + 2;
            case '-' when i + 1 < sql.Length && sql[i + 1] == '-':
                var newline = sql.IndexOf('\n', i);
                return newline < 0 ? sql.Length : newline;
            case '/' when i + 1 < sql.Length && sql[i + 1] == '*':
                var endComment = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                return endComment < 0 ? sql.Length : endComment + 2;
            default:
                return i;
        }
    }
}
