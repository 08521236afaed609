using System.Text.RegularExpressions;

namespace Strata.Transform.Project;

/// <summary>
/// dbt's documentation blocks: <c>{% docs name %}…{% enddocs %}</c> in the <c>.md</c> files under the model and seed
/// paths, and <c>{{ doc('name') }}</c> in a yml description, which stands for the block's text.
/// </summary>
internal sealed partial class DocsBlocks
{
    private readonly Dictionary<string, (string Path, string Text)> _blocks = new(StringComparer.Ordinal);

    /// <summary>Every block, by name.</summary>
    public IReadOnlyList<(string Name, string Path, string Text)> Blocks =>
        _blocks.OrderBy(b => b.Key, StringComparer.Ordinal).Select(b => (b.Key, b.Value.Path, b.Value.Text)).ToList();

    public static DocsBlocks Read(string directory, IEnumerable<string> files)
    {
        var docs = new DocsBlocks();
        foreach (var file in files)
        {
            var path = Path.GetRelativePath(directory, file).Replace('\\', '/');
            var text = File.ReadAllText(file);
            foreach (Match block in Block().Matches(text))
            {
                var name = block.Groups["name"].Value;
                if (docs._blocks.TryGetValue(name, out var other))
                {
                    throw new TransformException($"{path}:{LineOf(text, block.Index)}: docs block {name} is defined twice (also in {other.Path})");
                }

                docs._blocks[name] = (path, block.Groups["body"].Value.Trim());
            }

            if (Opening().Matches(text).Count != Block().Matches(text).Count)
            {
                throw new TransformException($"{path}: a {{% docs %}} block is not closed with {{% enddocs %}}, or has no name");
            }
        }

        return docs;
    }

    /// <summary>A description with each <c>{{ doc('name') }}</c> replaced by its block; other templating is refused, never shown raw.</summary>
    public string? Describe(string? description, string path, string what)
    {
        if (description is null || !description.Contains("{{", StringComparison.Ordinal))
        {
            return description;
        }

        var resolved = Doc().Replace(description, match =>
        {
            var name = match.Groups["name"].Value;
            return _blocks.TryGetValue(name, out var block)
                ? block.Text
                : throw new TransformException($"{path}: the description of {what} calls doc('{name}'), and no {{% docs {name} %}} block exists in a .md file");
        });
        return resolved.Contains("{{", StringComparison.Ordinal)
            ? throw new TransformException($"{path}: the description of {what} holds a template Strata does not render in descriptions; only {{{{ doc('name') }}}} is read there")
            : resolved;
    }

    private static int LineOf(string text, int index) => text.AsSpan(0, index).Count('\n') + 1;

    [GeneratedRegex(@"\{%-?\s*docs\s+(?<name>[A-Za-z_][A-Za-z0-9_]*)\s*-?%\}(?<body>.*?)\{%-?\s*enddocs\s*-?%\}", RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"\{%-?\s*docs\b")]
    private static partial Regex Opening();

    [GeneratedRegex(@"\{\{-?\s*doc\(\s*(?<q>['""])(?<name>[A-Za-z_][A-Za-z0-9_]*)\k<q>\s*\)\s*-?\}\}")]
    private static partial Regex Doc();
}
