using System.Text.Json;
using Strata.Infra.Snowflake;

namespace Strata.UnitTests.Infra.Snowflake;

/// <summary>An account as captured SHOW output: a JSON file mapping each statement to its rows; a statement not captured has none.</summary>
internal sealed class CapturedShow : ISnowflakeShow
{
    private readonly Dictionary<string, List<Dictionary<string, string?>>> _outputs;

    public CapturedShow(string file)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Infra", "Snowflake", file);
        _outputs = JsonSerializer.Deserialize<Dictionary<string, List<Dictionary<string, string?>>>>(File.ReadAllText(path))!;
    }

    public List<string> Asked { get; } = [];

    /// <summary>Adds a row to what <paramref name="statement"/> answers (a grant made by hand, say).</summary>
    public CapturedShow With(string statement, Dictionary<string, string?> row)
    {
        if (!_outputs.TryGetValue(statement, out var rows))
        {
            _outputs[statement] = rows = [];
        }

        rows.Add(row);
        return this;
    }

    public Task<IReadOnlyList<IReadOnlyDictionary<string, string?>>> ShowAsync(string statement, CancellationToken cancellationToken = default)
    {
        Asked.Add(statement);
        IReadOnlyList<IReadOnlyDictionary<string, string?>> rows = _outputs.TryGetValue(statement, out var found) ? found : [];
        return Task.FromResult(rows);
    }
}
