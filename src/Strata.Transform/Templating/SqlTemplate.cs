using Strata.Transform.Templating.Jinja;

namespace Strata.Transform.Templating;

/// <summary>A model, test, macro or report file parsed once into Jinja nodes, rendered as often as needed.</summary>
internal sealed class SqlTemplate
{
    internal SqlTemplate(string path, IReadOnlyList<Node> nodes)
    {
        Path = path;
        Nodes = nodes;
    }

    /// <summary>The file it was parsed from, for messages.</summary>
    public string Path { get; }

    internal IReadOnlyList<Node> Nodes { get; }

    /// <summary>The macros the file defines at its top level (a generic test's is <c>test_name</c>).</summary>
    internal IEnumerable<string> MacroNames => Nodes.OfType<MacroNode>().Select(m => m.Name);
}
