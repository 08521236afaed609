using System.Text.RegularExpressions;
using Strata.Host.Web;

namespace Strata.UnitTests;

/// <summary>The dashboard's embedded assets: every page the host serves is there, and everything a page or module loads is embedded too.</summary>
public sealed class DashboardAssetsTests
{
    private static readonly Regex Reference = new(@"(?:src|href)=""/assets/([^""]+)""|from '/assets/([^']+)'", RegexOptions.None, TimeSpan.FromSeconds(1));

    [Fact]
    public void Every_page_is_embedded_with_uplot()
    {
        Assert.Superset(
            new HashSet<string>(["overview.html", "runs.html", "tests.html", "models.html", "model.html", "reports.html", "report.html", "app.css", "uPlot.iife.min.js", "uPlot.min.css"]),
            DashboardAssets.Names.ToHashSet(StringComparer.Ordinal));
    }

    [Fact]
    public void Everything_a_page_or_module_loads_is_embedded()
    {
        var names = DashboardAssets.Names.ToHashSet(StringComparer.Ordinal);
        var missing = names.Where(n => n.EndsWith(".html", StringComparison.Ordinal) || (n.EndsWith(".js", StringComparison.Ordinal) && !n.StartsWith("uPlot", StringComparison.Ordinal)))
            .SelectMany(n => Reference.Matches(DashboardAssets.Text(n)).Select(m => (File: n, Asset: m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value)))
            .Where(r => !names.Contains(r.Asset))
            .Select(r => $"{r.File} loads /assets/{r.Asset}")
            .ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public void Every_html_page_has_a_viewport_and_loads_the_stylesheet()
    {
        foreach (var page in DashboardAssets.Names.Where(n => n.EndsWith(".html", StringComparison.Ordinal)))
        {
            var html = DashboardAssets.Text(page);
            Assert.Contains("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">", html, StringComparison.Ordinal);
            Assert.Contains("href=\"/assets/app.css\"", html, StringComparison.Ordinal);
        }
    }
}
