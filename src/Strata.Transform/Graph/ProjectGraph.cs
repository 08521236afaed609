using Strata.Text;
using Strata.Transform.Project;

namespace Strata.Transform.Graph;

/// <summary>The models' dependency graph: checked for unknown names and cycles, ordered, and selectable.</summary>
public sealed class ProjectGraph
{
    private readonly Dictionary<string, Model> _models;
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal);

    /// <summary>Builds and checks the graph of <paramref name="project"/>.</summary>
    public ProjectGraph(AnalyticsProject project)
    {
        ArgumentNullException.ThrowIfNull(project);
        Project = project;
        _models = project.Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        var sources = project.Sources.Select(s => s.FullName).ToHashSet(StringComparer.Ordinal);
        foreach (var model in project.Models)
        {
            foreach (var name in model.Refs.Where(r => !_models.ContainsKey(r)))
            {
                throw new TransformException(
                    $"{model.Path}:{LineOf(model.Sql, name)}: model {model.Name} refers to ref('{name}'), which is no model{Suggestions.DidYouMean(name, _models.Keys)}");
            }

            foreach (var name in model.SourceRefs.Where(s => !sources.Contains(s)))
            {
                throw new TransformException(
                    $"{model.Path}:{LineOf(model.Sql, name.Split('.')[^1])}: model {model.Name} reads source {name}, which no sources.yml declares{Suggestions.DidYouMean(name, sources)}");
            }

            foreach (var parent in model.Refs)
            {
                Children(parent).Add(model.Name);
            }

            foreach (var source in model.SourceRefs)
            {
                Children("source:" + source).Add(model.Name);
            }
        }

        foreach (var test in project.Tests)
        {
            foreach (var name in test.Refs.Where(r => !_models.ContainsKey(r)))
            {
                throw new TransformException($"{test.Path}: test {test.Name} refers to model {name}, which does not exist{Suggestions.DidYouMean(name, _models.Keys)}");
            }
        }

        Order = TopologicalOrder();
    }

    /// <summary>The project.</summary>
    public AnalyticsProject Project { get; }

    /// <summary>Every model, parents before children (ties by name, so the order is stable).</summary>
    public IReadOnlyList<Model> Order { get; }

    /// <summary>A model by name.</summary>
    public Model this[string name] => _models[name];

    /// <summary>True when a model of that name exists.</summary>
    public bool Contains(string name) => _models.ContainsKey(name);

    /// <summary>The models that read <paramref name="name"/> directly.</summary>
    public IReadOnlyList<string> ChildrenOf(string name) => _children.TryGetValue(name, out var children) ? children : [];

    /// <summary>Every model downstream of the model or <c>source:x.y</c> <paramref name="name"/>, not itself.</summary>
    public HashSet<string> Descendants(string name)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([name]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var child in ChildrenOf(next).Where(found.Add))
            {
                queue.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>Every model upstream of <paramref name="name"/>, not itself.</summary>
    public HashSet<string> Ancestors(string name)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        var queue = new Queue<string>([name]);
        while (queue.TryDequeue(out var next))
        {
            foreach (var parent in _models[next].Refs.Where(found.Add))
            {
                queue.Enqueue(parent);
            }
        }

        return found;
    }

    private List<string> Children(string name)
    {
        if (!_children.TryGetValue(name, out var children))
        {
            _children[name] = children = [];
        }

        return children;
    }

    private List<Model> TopologicalOrder()
    {
        var order = new List<Model>(_models.Count);
        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 1 visiting, 2 done
        var path = new List<string>();
        foreach (var model in _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal))
        {
            Visit(model.Name);
        }

        return order;

        void Visit(string name)
        {
            if (state.GetValueOrDefault(name) == 2)
            {
                return;
            }

            if (state.GetValueOrDefault(name) == 1)
            {
                var cycle = path.Skip(path.IndexOf(name)).Append(name);
                throw new TransformException($"{_models[name].Path}: models form a cycle: {string.Join(" → ", cycle)}; one of them must stop referring to the next");
            }

            state[name] = 1;
            path.Add(name);
            foreach (var parent in _models[name].Refs.Order(StringComparer.Ordinal))
            {
                Visit(parent);
            }

            path.RemoveAt(path.Count - 1);
            state[name] = 2;
            order.Add(_models[name]);
        }
    }

    private static int LineOf(string text, string name)
    {
        var index = text.IndexOf(name, StringComparison.Ordinal);
        return index < 0 ? 1 : text.AsSpan(0, index).Count('\n') + 1;
    }
}
