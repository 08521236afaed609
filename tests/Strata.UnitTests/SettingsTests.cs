using Strata.Configuration;
using Strata.Text;

namespace Strata.UnitTests;

public sealed class SettingsTests
{
    [Fact]
    public void Every_setting_has_a_unique_path_and_environment_variable()
    {
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.Path).Distinct().Count());
        Assert.Equal(Settings.All.Count, Settings.All.Select(s => s.EnvironmentVariable).Distinct().Count());
    }

    [Fact]
    public void Secrets_have_no_default()
    {
        Assert.All(Settings.All.Where(s => s.IsSecret), s => Assert.Null(s.Default));
    }

    [Theory]
    [InlineData("databse", "database")]
    [InlineData("soruce", "source")]
    [InlineData("completely_different", null)]
    public void Suggestions_catch_typos_not_unrelated_words(string typed, string? expected)
    {
        Assert.Equal(expected, Suggestions.Closest(typed, ["database", "source", "schema"]));
    }
}
