using System.Globalization;
using System.Net;
using System.Text;
namespace Strata.Transform.Graph;

/// <summary>
/// The models graph as an inline SVG: sources in the first column, each model one column right of its deepest parent,
/// arrows from parent to child, each node coloured by its last run and linked to its model page, a legend on top.
/// Colours come from classes the page's stylesheet defines (<c>n-success</c>, <c>n-error</c>, <c>n-skipped</c>,
/// <c>n-source</c>, <c>n-none</c>, <c>edge</c>, <c>arrowhead</c>), so the graph follows the light or dark theme. One
/// layout for the dashboard's models page and <c>strata docs</c>; each says where a node links to.
/// </summary>
public static class ModelGraphSvg
{
    private const int ColumnWidth = 222;
    private const int RowHeight = 34;
    private const int NodeWidth = 196;
    private const int NodeHeight = 24;
    private const int LegendHeight = 30;

    private static readonly (string Status, string Label)[] Legend =
        [("source", "source"), ("success", "built"), ("error", "failed"), ("skipped", "skipped"), ("not run", "not run / ephemeral")];

    /// <summary>The graph as SVG.</summary>
    /// <param name="graph">The project's graph.</param>
    /// <param name="lastStatus">Each model's last run status (<c>success</c>, <c>error</c>, <c>skipped</c>); absent = not run.</param>
    /// <param name="link">The address a node links to: a model's name, or <c>source:x.y</c>; null for no link.</param>
    public static string Render(ProjectGraph graph, IReadOnlyDictionary<string, string> lastStatus, Func<string, string?> link)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(lastStatus);
        ArgumentNullException.ThrowIfNull(link);
        var position = Layout(graph);
        if (position.Count == 0)
        {
            return "<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" width=\"0\" height=\"0\" role=\"img\" aria-label=\"no models\"></svg>";
        }

        var width = Math.Max(position.Values.Max(p => p.X) + NodeWidth + 10, 560);
        var height = position.Values.Max(p => p.Y) + NodeHeight + 10;
        var svg = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:0} {height:0}\" width=\"{width:0}\" height=\"{height:0}\" role=\"img\" aria-label=\"model graph\">"));
        svg.Append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\">")
            .Append("<path class=\"arrowhead\" d=\"M0,0 L10,5 L0,10 z\"/></marker></defs>");
        AppendLegend(svg);
        foreach (var model in graph.Order)
        {
            foreach (var parent in model.Refs.Concat(model.SourceRefs.Select(s => "source:" + s)).Where(position.ContainsKey))
            {
                var (x1, y1) = position[parent];
                var (x2, y2) = position[model.Name];
                var (from, to) = (y1 + (NodeHeight / 2), y2 + (NodeHeight / 2));
                svg.Append(CultureInfo.InvariantCulture,
                    $"<path class=\"edge\" d=\"M{x1 + NodeWidth:0},{from:0} C{x1 + NodeWidth + 20:0},{from:0} {x2 - 22:0},{to:0} {x2 - 1:0},{to:0}\" marker-end=\"url(#arrow)\"/>");
            }
        }

        foreach (var (node, (x, y)) in position)
        {
            var isSource = node.StartsWith("source:", StringComparison.Ordinal);
            var status = isSource ? "source" : lastStatus.GetValueOrDefault(node, graph[node].Config.Materialized == "ephemeral" ? "ephemeral" : "not run");
            var label = isSource ? node["source:".Length..] : node;
            var title = isSource ? node : $"{node} ({graph[node].Config.Materialized}): {status}";
            var box = string.Create(CultureInfo.InvariantCulture,
                $"<g class=\"node\" data-model=\"{WebUtility.HtmlEncode(node)}\" data-status=\"{status}\"><title>{WebUtility.HtmlEncode(title)}</title>" +
                $"<rect class=\"{Css(status)}\" x=\"{x:0}\" y=\"{y:0}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"5\"/>" +
                $"<text x=\"{x + 6:0}\" y=\"{y + 16:0}\">{WebUtility.HtmlEncode(label)}</text></g>");
            svg.Append(link(node) is { } href ? $"<a href=\"{WebUtility.HtmlEncode(href)}\">{box}</a>" : box);
        }

        return svg.Append("</svg>").ToString();
    }

    /// <summary>Each node's top-left corner: sources in column 0, a model one column right of its deepest parent, rows below the legend.</summary>
    private static Dictionary<string, (double X, double Y)> Layout(ProjectGraph graph)
    {
        var depth = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var source in graph.Project.Sources.Where(s => graph.ChildrenOf("source:" + s.FullName).Count > 0))
        {
            depth["source:" + source.FullName] = 0;
        }

        foreach (var model in graph.Order)
        {
            var parents = model.Refs.Select(r => depth[r]).Concat(model.SourceRefs.Select(s => depth.GetValueOrDefault("source:" + s)));
            depth[model.Name] = parents.DefaultIfEmpty(-1).Max() + 1;
        }

        var position = new Dictionary<string, (double X, double Y)>(StringComparer.Ordinal);
        foreach (var column in depth.GroupBy(d => d.Value).OrderBy(g => g.Key))
        {
            var row = 0;
            foreach (var node in column.Select(c => c.Key).Order(StringComparer.Ordinal))
            {
                position[node] = (10 + (column.Key * ColumnWidth), LegendHeight + 10 + (row++ * RowHeight));
            }
        }

        return position;
    }

    private static void AppendLegend(StringBuilder svg)
    {
        var x = 10;
        foreach (var (status, label) in Legend)
        {
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"legend\"><rect class=\"{Css(status)}\" x=\"{x}\" y=\"8\" width=\"14\" height=\"14\" rx=\"3\"/><text x=\"{x + 19}\" y=\"19\">{label}</text></g>");
            x += 24 + (label.Length * 7);
        }
    }

    /// <summary>The stylesheet's class for a status.</summary>
    private static string Css(string status) => status switch
    {
        "success" or "error" or "skipped" or "source" => "n-" + status,
        _ => "n-none",
    };
}
