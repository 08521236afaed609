using Strata.Errors;
using Strata.Text;
using Strata.Transform;
using Strata.Transform.Project;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>Durations written as 20s, 5m, 1h, 1h30m, 90 (seconds) or 00:01:30; anything else names the option and the text.</summary>
public sealed class DurationParserTests
{
    [Theory]
    [InlineData("20s", 0, 0, 20)]
    [InlineData("5m", 0, 5, 0)]
    [InlineData("1h", 1, 0, 0)]
    [InlineData("1h30m", 1, 30, 0)]
    [InlineData("2h15m30s", 2, 15, 30)]
    [InlineData("90m", 1, 30, 0)]
    [InlineData("90", 0, 1, 30)]
    [InlineData("0.5h", 0, 30, 0)]
    [InlineData("1d", 24, 0, 0)]
    [InlineData("5M", 0, 5, 0)]
    [InlineData(" 10m ", 0, 10, 0)]
    [InlineData("00:01:30", 0, 1, 30)]
    [InlineData("01:00:00", 1, 0, 0)]
    public void Durations_in_each_documented_form(string text, int hours, int minutes, int seconds)
    {
        Assert.Equal(new TimeSpan(hours, minutes, seconds), DurationParser.Parse(text, "--timeout"));
    }

    [Fact]
    public void Seconds_may_have_a_fraction()
    {
        Assert.Equal(TimeSpan.FromMilliseconds(1500), DurationParser.Parse("1.5", "--timeout"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), DurationParser.Parse("0.25s", "--timeout"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("5x")]
    [InlineData("m")]
    [InlineData("5m3")]
    [InlineData("-5m")]
    [InlineData("1.5.2m")]
    [InlineData("0s")]
    public void Anything_else_names_the_option_and_the_text(string text)
    {
        var error = Assert.Throws<UsageException>(() => DurationParser.Parse(text, "warn_after"));

        Assert.Equal($"warn_after '{text}' is not a duration; write it like 20s, 5m, 1h30m or 90 (seconds)", error.Message);
    }

    [Fact]
    public async Task Freshness_thresholds_of_sources_are_durations_and_a_table_overrides_its_source()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: fresh\n",
            ["sources.yml"] = """
                sources:
                  - name: bronze
                    changelog: true
                    freshness: {warn_after: 10m, error_after: 1h}
                    tables:
                      - name: orders
                      - name: customers
                        freshness: {warn_after: 1h30m}
                """,
        });

        var sources = (await ProjectLoader.LoadAsync(folder.Path)).Sources.ToDictionary(s => s.Name);

        Assert.Equal((TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)), (sources["orders"].WarnAfter, sources["orders"].ErrorAfter));
        Assert.Equal((TimeSpan.FromMinutes(90), (TimeSpan?)null), (sources["customers"].WarnAfter, sources["customers"].ErrorAfter));
        Assert.Equal("_commit_ts", sources["orders"].LoadedAtField);
    }

    [Fact]
    public async Task A_bad_freshness_threshold_names_the_file()
    {
        using var folder = new ProjectFolder(new Dictionary<string, string>
        {
            ["strata_project.yml"] = "name: fresh\n",
            ["sources.yml"] = "sources:\n  - name: bronze\n    freshness: {warn_after: soon}\n    tables:\n      - name: orders\n",
        });

        var error = await Assert.ThrowsAsync<TransformException>(() => ProjectLoader.LoadAsync(folder.Path));

        Assert.Equal("sources.yml: warn_after 'soon' is not a duration; write it like 20s, 5m, 1h30m or 90 (seconds)", error.Message);
    }
}
