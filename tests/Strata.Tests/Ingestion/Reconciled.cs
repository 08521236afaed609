using System.Text.Json;
using Strata.Testing;

namespace Strata.Tests.Ingestion;

/// <summary>Runs <c>strata reconcile --json</c> and asserts on its result, not its sentences.</summary>
internal static class Reconciled
{
    /// <summary>Asserts that bronze equals the source for all <paramref name="tables"/> published tables.</summary>
    public static async Task AssertEqualAsync(TestProject project, int tables = 4)
    {
        var reconcile = await project.RunAsync("reconcile", "--json");
        Assert.True(reconcile.ExitCode == 0, reconcile.ToString());
        using var json = JsonDocument.Parse(reconcile.Output);
        Assert.True(json.RootElement.GetProperty("equal").GetBoolean(), reconcile.Output);
        Assert.Equal(tables, json.RootElement.GetProperty("tables").GetArrayLength());
    }
}
