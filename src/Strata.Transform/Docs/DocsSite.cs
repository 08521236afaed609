using System.Text.Json;
using Strata.Transform.Graph;
using Strata.Warehouse;

namespace Strata.Transform.Docs;

/// <summary>
/// <c>strata docs</c>: the project's documentation as a static, offline site, <c>index.html</c> (the page) and
/// <c>catalog.json</c> (the same data for programs, <see cref="DocsCatalog"/>).
/// </summary>
public sealed class DocsSite
{
    /// <summary>catalog.json's shape: snake_case keys, as dbt's artifacts and <c>target/manifest.json</c> have them.</summary>
    internal static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static readonly JsonSerializerOptions IndentedJson = new(Json) { WriteIndented = true };

    private readonly ProjectGraph _graph;

    private DocsSite(DocsCatalog catalog, ProjectGraph graph)
    {
        Catalog = catalog;
        _graph = graph;
    }

    /// <summary>The data.</summary>
    public DocsCatalog Catalog { get; }

    /// <summary>The page, self-contained, as <c>index.html</c> holds it.</summary>
    public string Html => DocsPage.Render(Catalog, _graph, dashboard: false);

    /// <summary>The page as the dashboard serves it: with a link back to the dashboard.</summary>
    public string DashboardHtml => DocsPage.Render(Catalog, _graph, dashboard: true);

    /// <summary>Documents the project of <paramref name="graph"/>: compiles every model, walks its lineage, reads what the warehouse has built.</summary>
    internal static async Task<DocsSite> BuildAsync(ProjectGraph graph, IWarehouse warehouse, ISqlParser parser, CancellationToken cancellationToken)
    {
        var catalog = await new DocsBuilder(graph, warehouse, parser).BuildAsync(cancellationToken);
        return new DocsSite(catalog, graph);
    }

    /// <summary>Writes <c>index.html</c> and <c>catalog.json</c> into <paramref name="directory"/> (created when missing).</summary>
    public async Task WriteAsync(string directory, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "catalog.json"), JsonSerializer.Serialize(Catalog, IndentedJson), cancellationToken);
        await File.WriteAllTextAsync(Path.Combine(directory, "index.html"), Html, cancellationToken);
    }
}
