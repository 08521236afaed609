using Strata.Errors;
using Strata.Text;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Strata.Configuration;

/// <summary>Reads <c>strata.yml</c> into dotted setting paths with their positions, rejecting unknown keys and secrets.</summary>
internal static class YamlSettingsReader
{
    /// <summary>One scalar found in the file.</summary>
    internal sealed record Entry(SettingDefinition Definition, string? Value, int Line, int Column);

    public static IReadOnlyList<Entry> Read(string file, string displayName)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(file);
        var parser = new PositionTrackingParser(new Parser(reader));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException ex)
        {
            throw new ConfigurationException(
                $"{displayName}:{ex.Start.Line}:{ex.Start.Column}: not valid YAML ({FirstSentence(ex)}); fix the file or delete it to use the defaults");
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unterminated constructs; the last good position is ours to report.
            throw new ConfigurationException(
                $"{displayName}:{parser.Last.Line}:{parser.Last.Column}: not valid YAML (unterminated value after this point, e.g. an unclosed [ or quote); " +
                "fix the file or delete it to use the defaults");
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return [];
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var start = stream.Documents[0].RootNode.Start;
            throw new ConfigurationException(
                $"{displayName}:{start.Line}:{start.Column}: the file must be a mapping of settings such as 'source:' with keys under it");
        }

        var entries = new List<Entry>();
        Walk(root, "", displayName, entries);
        return entries;
    }

    private static void Walk(YamlMappingNode mapping, string prefix, string file, List<Entry> entries)
    {
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            var path = prefix.Length == 0 ? key : $"{prefix}.{key}";
            var where = $"{file}:{keyNode.Start.Line}:{keyNode.Start.Column}";
            var isSection = Settings.All.Any(s => s.Path.StartsWith(path + ".", StringComparison.Ordinal));
            var definition = Settings.Find(path);

            if (valueNode is YamlMappingNode child && isSection)
            {
                Walk(child, path, file, entries);
            }
            else if (definition is null)
            {
                var known = isSection ? $"'{path}' is a section: put its settings under it" : $"unknown setting '{path}'";
                var candidates = Settings.All.Select(s => s.Path)
                    .Concat(Settings.All.SelectMany(s => Sections(s.Path))).Distinct();
                throw new ConfigurationException(
                    $"{where}: {known}{(isSection ? "" : Suggestions.DidYouMean(path, candidates))}; `strata config show` lists every setting");
            }
            else if (definition.IsSecret)
            {
                throw new ConfigurationException(
                    $"{where}: '{path}' is a secret and must not be written in strata.yml; remove it and set " +
                    $"{definition.EnvironmentVariable} (or {definition.EnvironmentVariable}_FILE with the path of a file holding it), " +
                    $"or put it in .strata/secrets/{definition.SecretFileName} with mode 0600");
            }
            else if (valueNode is YamlScalarNode scalar)
            {
                var value = scalar.Style == ScalarStyle.Plain && scalar.Value is "" or "~" or "null" ? null : scalar.Value;
                entries.Add(new Entry(definition, value, (int)valueNode.Start.Line, (int)valueNode.Start.Column));
            }
            else
            {
                throw new ConfigurationException($"{where}: '{path}' takes a single value, not a list or mapping");
            }
        }
    }

    /// <summary>Remembers where the last event that parsed well ended.</summary>
    private sealed class PositionTrackingParser(IParser inner) : IParser
    {
        public Mark Last { get; private set; } = Mark.Empty;

        public YamlDotNet.Core.Events.ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            var moved = inner.MoveNext();
            if (inner.Current is { } current)
            {
                Last = current.End;
            }

            return moved;
        }
    }

    private static IEnumerable<string> Sections(string path)
    {
        for (var dot = path.IndexOf('.', StringComparison.Ordinal); dot > 0; dot = path.IndexOf('.', dot + 1))
        {
            yield return path[..dot];
        }
    }

    private static string FirstSentence(YamlException ex)
    {
        // YamlDotNet prefixes messages with "(Line: 1, Col: 2, Idx: 1) - (…): "; the position is already in ours.
        var message = ex.InnerException?.Message ?? ex.Message;
        var cut = message.LastIndexOf("): ", StringComparison.Ordinal);
        return (cut >= 0 ? message[(cut + 3)..] : message).TrimEnd('.');
    }
}
