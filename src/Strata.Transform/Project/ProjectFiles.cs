using YamlDotNet.Serialization;
namespace Strata.Transform.Project;

// The shapes of the project's yml files, as YamlDotNet reads them (snake_case keys). Unknown keys are errors.
#pragma warning disable CA1812, CA2227, CA1002 // created and filled by the YAML deserializer

/// <summary><c>strata_project.yml</c>, or what <see cref="DbtProjectFile"/> reads from <c>dbt_project.yml</c>.</summary>
internal sealed class ProjectFile
{
    public string? Name { get; set; }

    /// <summary>Folders of models (and their yml), relative to the project.</summary>
    public List<string> ModelPaths { get; set; } = ["models"];

    public List<string> SeedPaths { get; set; } = ["seeds"];

    public List<string> TestPaths { get; set; } = ["tests"];

    public List<string> MacroPaths { get; set; } = ["macros"];

    public List<string> SnapshotPaths { get; set; } = ["snapshots"];

    public List<string> AnalysisPaths { get; set; } = ["analyses"];

    public Dictionary<string, object?> Vars { get; set; } = [];

    /// <summary>Config defaults by folder under <c>models/</c> (<c>silver</c>, <c>gold/marts</c>).</summary>
    public Dictionary<string, ConfigFile> Models { get; set; } = [];

    /// <summary>Seed config defaults by folder under the seed paths ("" = every seed).</summary>
    public Dictionary<string, ConfigFile> Seeds { get; set; } = [];
}

/// <summary>A model's settings, in <c>strata_project.yml</c>, a model yml, or <c>{{ config(...) }}</c>.</summary>
internal sealed class ConfigFile
{
    public string? Materialized { get; set; }

    public string? Schema { get; set; }

    public object? UniqueKey { get; set; }

    public string? IncrementalStrategy { get; set; }

    public List<string>? Tags { get; set; }

    public bool? Enabled { get; set; }

    /// <summary>Seeds: engine type names by column, for columns whose inferred type is not wanted.</summary>
    public Dictionary<string, string>? ColumnTypes { get; set; }

    /// <summary>Seeds: the CSV's field delimiter.</summary>
    public string? Delimiter { get; set; }

    /// <summary>Snapshots: dbt's <c>timestamp</c> or <c>check</c>.</summary>
    public string? Strategy { get; set; }

    /// <summary>Snapshots: the column that tells when a row last changed (<c>timestamp</c> strategy).</summary>
    public string? UpdatedAt { get; set; }

    /// <summary>Snapshots: the columns compared by the <c>check</c> strategy, a list or <c>all</c>.</summary>
    public object? CheckCols { get; set; }

    /// <summary>Snapshots: <c>ignore</c>, <c>invalidate</c> or <c>new_record</c>.</summary>
    public string? HardDeletes { get; set; }

    /// <summary>Snapshots: dbt's legacy spelling of <c>hard_deletes: invalidate</c>.</summary>
    public bool? InvalidateHardDeletes { get; set; }

    /// <summary>Snapshots: dbt's older name for the schema.</summary>
    public string? TargetSchema { get; set; }

    /// <summary>Snapshots: the <c>dbt_valid_to</c> of current rows, an SQL expression (NULL when absent).</summary>
    public string? DbtValidToCurrent { get; set; }
}

/// <summary>A yml file under <c>models/</c>: model and source descriptions.</summary>
internal sealed class ModelsFile
{
    /// <summary>dbt's schema-file version: 2, or absent.</summary>
    public int? Version { get; set; }

    public List<ModelFile> Models { get; set; } = [];

    /// <summary>dbt unit tests: a model's select run on given input rows, compared with the rows expected.</summary>
    public List<UnitTestFile> UnitTests { get; set; } = [];

    /// <summary>Snapshot descriptions: the same shape as a model's.</summary>
    public List<ModelFile> Snapshots { get; set; } = [];

    /// <summary>Seed descriptions: the same shape as a model's (config, columns, tests).</summary>
    public List<ModelFile> Seeds { get; set; } = [];

    public List<SourceFile> Sources { get; set; } = [];
}

internal sealed class ModelFile
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public ConfigFile? Config { get; set; }

    public List<string>? Tags { get; set; }

    public List<ColumnFile> Columns { get; set; } = [];

    /// <summary>Each a test name, or a map of one name to its arguments.</summary>
    public List<object> Tests { get; set; } = [];

    /// <summary>dbt 1.8's name for <see cref="Tests"/>; both are read.</summary>
    public List<object> DataTests { get; set; } = [];

    public object? Meta { get; set; }

    public object? Docs { get; set; }
}

internal sealed class ColumnFile
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public List<object> Tests { get; set; } = [];

    public List<object> DataTests { get; set; } = [];

    public string? DataType { get; set; }

    public object? Meta { get; set; }

    public bool? Quote { get; set; }

    public List<string>? Tags { get; set; }
}

internal sealed class SourceFile
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string? Schema { get; set; }

    /// <summary>dbt's database of the source: the warehouse is one database, so it is read and not used.</summary>
    public string? Database { get; set; }

    public object? Meta { get; set; }

    public List<string>? Tags { get; set; }

    /// <summary>The tables are Strata bronze changelogs (<c>_op</c>, <c>_lsn</c>, <c>_seq</c>, <c>_commit_ts</c>).</summary>
    public bool Changelog { get; set; }

    public string? LoadedAtField { get; set; }

    public FreshnessFile? Freshness { get; set; }

    public List<SourceTableFile> Tables { get; set; } = [];
}

internal sealed class SourceTableFile
{
    public string Name { get; set; } = "";

    public string? Identifier { get; set; }

    public string? Description { get; set; }

    public string? LoadedAtField { get; set; }

    /// <summary>The table's own limits; <c>freshness: null</c> (dbt's way to switch off the source's) is kept apart from no key at all.</summary>
    public FreshnessFile? Freshness
    {
        get => _freshness;
        set
        {
            _freshness = value;
            FreshnessGiven = true;
        }
    }

    /// <summary>Whether the table names its freshness, be it null.</summary>
    [YamlIgnore]
    public bool FreshnessGiven { get; private set; }

    private FreshnessFile? _freshness;

    public List<ColumnFile> Columns { get; set; } = [];

    public object? Meta { get; set; }

    public List<string>? Tags { get; set; }
}

/// <summary>Either Strata's <c>10m</c> or dbt's <c>{count: 10, period: minute}</c> for each limit.</summary>
internal sealed class FreshnessFile
{
    public object? WarnAfter { get; set; }

    public object? ErrorAfter { get; set; }
}

/// <summary>One <c>unit_tests:</c> entry.</summary>
internal sealed class UnitTestFile
{
    public string Name { get; set; } = "";

    public string Model { get; set; } = "";

    public string? Description { get; set; }

    public List<GivenFile> Given { get; set; } = [];

    public ExpectFile Expect { get; set; } = new();

    public OverridesFile? Overrides { get; set; }

    public object? Config { get; set; }
}

/// <summary>An input of a unit test: <c>ref('m')</c> or <c>source('s', 't')</c> and its rows.</summary>
internal sealed class GivenFile : RowsFile
{
    public string Input { get; set; } = "";
}

/// <summary>What a unit test expects: rows, and whether they are the select's (dbt's) or the table's after the run (Strata's <c>state: final</c>).</summary>
internal sealed class ExpectFile : RowsFile
{
    public string? State { get; set; }
}

/// <summary>Rows as a list of maps (<c>format: dict</c>, the default) or CSV text (<c>format: csv</c>).</summary>
internal class RowsFile
{
    public object? Rows { get; set; }

    public string? Format { get; set; }
}

/// <summary>What a unit test changes while its model renders.</summary>
internal sealed class OverridesFile
{
    /// <summary>Only <c>is_incremental</c>.</summary>
    public Dictionary<string, object?> Macros { get; set; } = [];

    public Dictionary<string, object?> Vars { get; set; } = [];
}
