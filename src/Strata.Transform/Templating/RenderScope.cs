namespace Strata.Transform.Templating;

/// <summary>What a template's functions resolve to while one model (or test) renders.</summary>
internal sealed class RenderScope
{
    /// <summary>The name of what renders, for messages: <c>model orders</c>.</summary>
    public required string Subject { get; init; }

    /// <summary>The file it comes from, for messages.</summary>
    public required string Path { get; init; }

    /// <summary><c>ref('name')</c> → the relation to select from.</summary>
    public required Func<string, string> Ref { get; init; }

    /// <summary><c>source('source', 'table')</c> → the relation to select from.</summary>
    public required Func<string, string, string> Source { get; init; }

    /// <summary><c>{{ this }}</c>: the model's own relation.</summary>
    public string This { get; init; } = "";

    /// <summary><c>is_incremental()</c>.</summary>
    public bool IsIncremental { get; init; }

    /// <summary>Values for <c>var('name')</c>.</summary>
    public required IReadOnlyDictionary<string, object?> Vars { get; init; }

    /// <summary>The warehouse whose dialect adapter macros write; null while a template is only parsed (its SQL is not run).</summary>
    public required Warehouse.IWarehouse? Warehouse { get; init; }

    /// <summary><c>param('name')</c> → a bound query parameter's placeholder (reports); null where parameters do not exist.</summary>
    public Func<string, string>? Param { get; init; }

    /// <summary><c>env_var('NAME')</c>: the run's environment.</summary>
    public Func<string, string?> EnvironmentVariable { get; init; } = Environment.GetEnvironmentVariable;

    /// <summary>The project's name: <c>ref('package', 'name')</c> accepts only this package.</summary>
    public string? ProjectName { get; init; }

    /// <summary><c>target.name</c>.</summary>
    public string TargetName { get; init; } = "dev";

    /// <summary><c>target.type</c>: the warehouse's engine (<c>duckdb</c> while only parsed).</summary>
    public string TargetType => Warehouse?.Engine ?? "duckdb";

    /// <summary><c>target.schema</c>: the engine's default schema unless set.</summary>
    public string TargetSchema
    {
        get => _targetSchema ?? (TargetType == "postgres" ? "public" : "main");
        init => _targetSchema = value;
    }

    private readonly string? _targetSchema;

    /// <summary>What <c>{{ config(...) }}</c> set.</summary>
    public Dictionary<string, object?> Config { get; } = new(StringComparer.Ordinal);

    /// <summary>Every ref the template made, in order.</summary>
    public List<string> Refs { get; } = [];

    /// <summary>Every source the template read (<c>source.table</c>).</summary>
    public List<string> Sources { get; } = [];
}
