using System.Globalization;
using System.Net;
using System.Text;
using Strata.Transform.Graph;

namespace Strata.Host.Web;

/// <summary>
/// The models graph as an inline SVG: sources in the first column, each model one column right of its deepest parent,
/// edges left to right, each node coloured by its last run (green success, red error, grey not run). No script, no CDN.
/// </summary>
internal static class ModelGraphSvg
{
    private const int ColumnWidth = 235;
    private const int RowHeight = 34;
    private const int NodeWidth = 205;
    private const int NodeHeight = 24;

    public static string Render(ProjectGraph graph, IReadOnlyDictionary<string, string> lastStatus)
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
                position[node] = (10 + column.Key * ColumnWidth, 10 + row++ * RowHeight);
            }
        }

        var width = position.Values.Max(p => p.X) + NodeWidth + 10;
        var height = position.Values.Max(p => p.Y) + NodeHeight + 10;
        var svg = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"<svg class=\"graph\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {width:0} {height:0}\" width=\"{width:0}\" style=\"max-width:100%;height:auto\" font-size=\"11\" font-family=\"system-ui,sans-serif\">"));
        foreach (var model in graph.Order)
        {
            foreach (var parent in model.Refs.Concat(model.SourceRefs.Select(s => "source:" + s)).Where(position.ContainsKey))
            {
                var (x1, y1) = position[parent];
                var (x2, y2) = position[model.Name];
                svg.Append(CultureInfo.InvariantCulture,
                    $"<path d=\"M{x1 + NodeWidth:0},{y1 + NodeHeight / 2:0} C{x1 + NodeWidth + 20:0},{y1 + NodeHeight / 2:0} {x2 - 20:0},{y2 + NodeHeight / 2:0} {x2:0},{y2 + NodeHeight / 2:0}\" fill=\"none\" stroke=\"#9ca3af\"/>");
            }
        }

        foreach (var (node, (x, y)) in position)
        {
            var isSource = node.StartsWith("source:", StringComparison.Ordinal);
            var status = isSource ? "source" : lastStatus.GetValueOrDefault(node, graph[node].Config.Materialized == "ephemeral" ? "ephemeral" : "not run");
            var fill = status switch
            {
                "success" => "#dcfce7",
                "error" => "#fee2e2",
                "skipped" => "#fef9c3",
                "source" => "#dbeafe",
                _ => "#f3f4f6",
            };
            var label = isSource ? node["source:".Length..] : node;
            svg.Append(CultureInfo.InvariantCulture,
                $"<g class=\"node\" data-model=\"{WebUtility.HtmlEncode(node)}\" data-status=\"{status}\"><title>{WebUtility.HtmlEncode(isSource ? node : $"{node} ({graph[node].Config.Materialized})")}: {status}</title>" +
                $"<rect x=\"{x:0}\" y=\"{y:0}\" width=\"{NodeWidth}\" height=\"{NodeHeight}\" rx=\"5\" fill=\"{fill}\" stroke=\"#6b7280\"/>" +
                $"<text x=\"{x + 6:0}\" y=\"{y + 16:0}\">{WebUtility.HtmlEncode(label)}</text></g>");
        }

        return svg.Append("</svg>").ToString();
    }
}
