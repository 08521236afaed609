using Strata.Configuration;

namespace Strata.Tests.Errors;

/// <summary>One user mistake or hostile input, and what Strata must answer.</summary>
/// <param name="Name">Names the case in the test output.</param>
/// <param name="Args">The command line.</param>
/// <param name="ExitCode">1 for a user error; 0 where Strata goes on and warns.</param>
/// <param name="Names">Fragments the one line must hold: what is wrong, where, what to do.</param>
public sealed record BadInput(string Name, string[] Args, int ExitCode, string[] Names)
{
    /// <summary><c>STRATA_*</c> and other variables for the run.</summary>
    public Dictionary<string, string> Environment { get; init; } = [];

    /// <summary>Files to write into the project folder first (relative path → text).</summary>
    public Dictionary<string, string> Files { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Name;
}

/// <summary>
/// The corpus: configuration, command-line flags, project and report files, connections, files and folders. Each
/// runs the real binary with a throwaway project; new mistakes found later go here. {port} is a free loopback
/// port nothing listens on; {dir} the project folder.
/// </summary>
internal static class BadInputCorpus
{
    private const string Project = "name: corpus\n";
    private const string Model = "select 1 as id\n";

    public static readonly BadInput[] Cases = [.. Written(), .. FromSettings()];

    /// <summary>For every setting: wrong kinds of value, out of range, through the environment and through strata.yml.</summary>
    private static IEnumerable<BadInput> FromSettings()
    {
        foreach (var setting in Settings.All)
        {
            var env = setting.EnvironmentVariable;
            var (section, key) = (setting.Path[..setting.Path.LastIndexOf('.')], setting.Path[(setting.Path.LastIndexOf('.') + 1)..]);
            var yml = string.Join("\n", section.Split('.').Select((part, depth) => new string(' ', depth * 2) + part + ":")) + "\n";
            var indent = new string(' ', section.Split('.').Length * 2);
            switch (setting.Kind)
            {
                case SettingKind.Integer or SettingKind.Number:
                    yield return new($"{setting.Path} from env not a number", ["config", "show"], 1, [$"env {env}", setting.Path, "'many'"]) { Environment = { [env] = "many" } };
                    yield return new($"{setting.Path} in yml not a number", ["config", "show"], 1, ["strata.yml:", setting.Path, "'many'"]) { Files = { ["strata.yml"] = $"{yml}{indent}{key}: many\n" } };
                    if (setting.Minimum is { } min)
                    {
                        var below = (min - 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        yield return new($"{setting.Path} below its minimum", ["config", "show"], 1, [setting.Path, $"'{below}'"]) { Environment = { [env] = below } };
                    }

                    if (setting.Maximum is { } max)
                    {
                        var above = (max * 10 + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
                        yield return new($"{setting.Path} above its maximum", ["config", "show"], 1, [setting.Path, $"'{above}'"]) { Environment = { [env] = above } };
                    }

                    break;
                case SettingKind.Cron:
                    yield return new($"{setting.Path} in yml not a cron", ["config", "show"], 1, ["strata.yml:", setting.Path, "or off"]) { Files = { ["strata.yml"] = $"{yml}{indent}{key}: \"1 2\"\n" } };
                    break;
                case SettingKind.Duration:
                    yield return new($"{setting.Path} from env not a duration", ["config", "show"], 1, [$"env {env}", setting.Path, "'soon'", "1h30m"]) { Environment = { [env] = "soon" } };
                    yield return new($"{setting.Path} in yml NaN seconds", ["config", "show"], 1, ["strata.yml:", setting.Path, "'NaN'"]) { Files = { ["strata.yml"] = $"{yml}{indent}{key}: NaN\n" } };
                    break;
                case SettingKind.Secret:
                    yield return new($"{setting.Path} file missing", ["config", "show"], 1, [$"{env}_FILE", "/nonexistent/secret"]) { Environment = { [env + "_FILE"] = "/nonexistent/secret" } };
                    yield return new($"{setting.Path} written in strata.yml", ["config", "show"], 1, ["strata.yml:", setting.Path, env]) { Files = { ["strata.yml"] = $"{yml}{indent}{key}: Never-Printed-yml\n" } };
                    break;
                case SettingKind.Text when setting.Choices is { } choices:
                    yield return new($"{setting.Path} in yml not a choice", ["config", "show"], 1, ["strata.yml:", setting.Path, choices[0]]) { Files = { ["strata.yml"] = $"{yml}{indent}{key}: nonsense\n" } };
                    break;
            }
        }

        foreach (var section in Settings.All.Select(s => s.Path.Split('.')[0]).Distinct())
        {
            var first = Settings.All.First(s => s.Path.StartsWith(section + ".", StringComparison.Ordinal) && s.Path.Count(c => c == '.') == 1);
            var key = first.Path[(section.Length + 1)..];
            var typo = key.Length > 3 ? key[..^2] + key[^1] + key[^2] : key + "x";
            yield return new($"{section} key misspelt in yml", ["config", "show"], 1, ["strata.yml:2:3", $"'{section}.{typo}'", "strata config show"]) { Files = { ["strata.yml"] = $"{section}:\n  {typo}: 1\n" } };
        }
    }

    private static BadInput[] Written() =>
    [
        // Settings from the environment.
        new("engine not known", ["config", "show"], 1, ["env STRATA_WAREHOUSE_ENGINE", "warehouse.engine", "duckdb or postgres", "did you mean 'duckdb'"]) { Environment = { ["STRATA_WAREHOUSE_ENGINE"] = "duckbd" } },
        new("port not a number", ["config", "show"], 1, ["env STRATA_SOURCE_PORT", "source.port", "whole number", "'abc'"]) { Environment = { ["STRATA_SOURCE_PORT"] = "abc" } },
        new("port out of range", ["config", "show"], 1, ["source.port", "from 1 to 65535", "'70000'"]) { Environment = { ["STRATA_SOURCE_PORT"] = "70000" } },
        new("port negative", ["config", "show"], 1, ["source.port", "'-1'"]) { Environment = { ["STRATA_SOURCE_PORT"] = "-1" } },
        new("cron with a bad minute", ["config", "show"], 1, ["env STRATA_SCHEDULE_TESTS", "schedule.tests", "'61 * * * *'", "or off"]) { Environment = { ["STRATA_SCHEDULE_TESTS"] = "61 * * * *" } },
        new("cron of words", ["config", "show"], 1, ["schedule.reconcile", "'every hour'"]) { Environment = { ["STRATA_SCHEDULE_RECONCILE"] = "every hour" } },
        new("time zone unknown", ["config", "show"], 1, ["schedule.time_zone", "'Mars/Base'", "IANA"]) { Environment = { ["STRATA_SCHEDULE_TIME_ZONE"] = "Mars/Base" } },
        new("smtp tls unknown", ["config", "show"], 1, ["smtp.tls", "starttls", "'tls'"]) { Environment = { ["STRATA_SMTP_TLS"] = "tls" } },
        new("batch size zero", ["config", "show"], 1, ["ingest.batch_size", "'0'"]) { Environment = { ["STRATA_INGEST_BATCH_SIZE"] = "0" } },
        new("flush not whole", ["config", "show"], 1, ["ingest.flush_ms", "whole number", "'1.5'"]) { Environment = { ["STRATA_INGEST_FLUSH_MS"] = "1.5" } },
        new("speed negative", ["config", "show"], 1, ["simulate.speed", "'-1'"]) { Environment = { ["STRATA_SIMULATE_SPEED"] = "-1" } },
        new("delete rate above one", ["config", "show"], 1, ["simulate.delete_rate", "'2'"]) { Environment = { ["STRATA_SIMULATE_DELETE_RATE"] = "2" } },
        new("dashboard port text", ["config", "show"], 1, ["dashboard.port", "'http'"]) { Environment = { ["STRATA_DASHBOARD_PORT"] = "http" } },
        new("smtp port huge", ["config", "show"], 1, ["smtp.port", "'99999'"]) { Environment = { ["STRATA_SMTP_PORT"] = "99999" } },
        new("snapshot pause negative", ["config", "show"], 1, ["ingest.snapshot_pause_ms", "'-5'"]) { Environment = { ["STRATA_INGEST_SNAPSHOT_PAUSE_MS"] = "-5" } },
        new("csv guard not boolean", ["config", "show"], 1, ["reports.csv_escape_formulas", "true or false", "'maybe'"]) { Environment = { ["STRATA_REPORTS_CSV_ESCAPE_FORMULAS"] = "maybe" } },
        new("a variable that is no setting", ["config", "show"], 0, ["STRATA_SOURCE_HOTS", "not a Strata setting", "did you mean 'STRATA_SOURCE_HOST'"]) { Environment = { ["STRATA_SOURCE_HOTS"] = "db" } },
        new("a secret file that is missing", ["config", "show"], 1, ["STRATA_SOURCE_PASSWORD_FILE", "/nonexistent/secret"]) { Environment = { ["STRATA_SOURCE_PASSWORD_FILE"] = "/nonexistent/secret" } },

        // strata.yml.
        new("yml key misspelt", ["config", "show"], 1, ["strata.yml:2:3", "unknown setting 'source.hots'", "did you mean 'source.host'", "strata config show"]) { Files = { ["strata.yml"] = "source:\n  hots: db\n" } },
        new("yml section misspelt", ["config", "show"], 1, ["strata.yml:1:1", "sorce", "did you mean 'source'"]) { Files = { ["strata.yml"] = "sorce:\n  host: db\n" } },
        new("yml not yaml", ["config", "show"], 1, ["strata.yml:"]) { Files = { ["strata.yml"] = "source: [\n" } },
        new("yml section given a value", ["config", "show"], 1, ["strata.yml:1:", "'source'"]) { Files = { ["strata.yml"] = "source: 5\n" } },
        new("yml engine not known", ["config", "show"], 1, ["strata.yml:2:", "warehouse.engine", "'mysql'"]) { Files = { ["strata.yml"] = "warehouse:\n  engine: mysql\n" } },
        new("yml port not a number", ["config", "show"], 1, ["strata.yml:2:", "source.port", "'five'"]) { Files = { ["strata.yml"] = "source:\n  port: five\n" } },
        new("yml password in the file", ["config", "show"], 1, ["strata.yml:2:", "source.password", "STRATA_SOURCE_PASSWORD"]) { Files = { ["strata.yml"] = "source:\n  password: hunter2-in-yml\n" } },
        new("yml cron not valid", ["config", "show"], 1, ["strata.yml:2:", "schedule.freshness"]) { Files = { ["strata.yml"] = "schedule:\n  freshness: \"* * *\"\n" } },
        new("project folder missing", ["config", "show", "--project", "/nonexistent/project"], 1, ["/nonexistent/project", "does not exist"]),

        // Command-line flags.
        new("unknown command", ["frobnicate"], 1, ["frobnicate"]),
        new("unknown option", ["build", "--frob"], 1, ["frob"]),
        new("seed count not a number", ["source", "seed", "--customers", "lots"], 1, ["--customers", "'lots'", "whole number"]),
        new("seed count with equals", ["source", "seed", "--orders=many"], 1, ["--orders", "'many'", "whole number"]),
        new("simulate speed not a number", ["source", "simulate", "--speed", "fast"], 1, ["--speed", "'fast'"]),
        new("simulate duration not a duration", ["source", "simulate", "--duration", "forever"], 1, ["forever"]),
        new("report format unknown", ["report", "run", "top_delivery_dates", "--format", "pdf"], 1, ["--format pdf", "csv"]),
        new("report unknown", ["report", "run", "top_delivry_dates", "--format", "csv"], 1, ["top_delivry_dates", "did you mean 'top_delivery_dates'"]),
        new("report parameter twice", ["report", "run", "top_delivery_dates", "--format", "csv", "--param", "a=1", "--param", "a=2"], 1, ["--param a", "twice"]),
        new("report parameter without value", ["report", "run", "top_delivery_dates", "--format", "csv", "--param", "a"], 1, ["--param a", "NAME=VALUE"]),
        new("resync table unknown", ["ingest", "--once", "--resync", "operations.ordres"], 1, ["127.0.0.1:{port}"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}", ["STRATA_SOURCE_CDC_PASSWORD"] = "x" } },

        // Project files.
        new("model yml key misspelt", ["ls"], 1, ["models/schema.yml:3:5", "unknown key 'confg'", "did you mean 'config'"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/m.sql"] = Model, ["models/schema.yml"] = "models:\n  - name: m\n    confg:\n      materialized: table\n" },
        },
        new("project yml key misspelt", ["ls"], 1, ["strata_project.yml:1:1", "unknown key 'nme'", "did you mean 'name'"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = "nme: corpus\n", ["models/m.sql"] = Model },
        },
        new("ref to a model that is not there", ["ls"], 1, ["models/m.sql", "missing_model"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/m.sql"] = "select * from {{ ref('missing_model') }}\n" },
        },
        new("models that read each other", ["ls"], 1, ["cycle"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/a.sql"] = "select * from {{ ref('b') }}\n", ["models/b.sql"] = "select * from {{ ref('a') }}\n" },
        },
        new("template that does not parse", ["ls"], 1, ["models/m.sql"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/m.sql"] = "select {{ ref('x' }}\n" },
        },
        new("project folder not there", ["ls"], 1, ["/nonexistent/analytics"]) { Environment = { ["STRATA_TRANSFORM_PROJECT"] = "/nonexistent/analytics" } },
        new("report yml key misspelt", ["report", "list"], 1, ["reports/r.yml:1:1", "unknown key 'titel'", "did you mean 'title'"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/m.sql"] = Model, ["reports/r.sql"] = "select 1\n", ["reports/r.yml"] = "titel: R\n" },
        },
        new("report sql without yml", ["report", "list"], 1, ["reports/r.sql", "reports/r.yml"])
        {
            Environment = { ["STRATA_TRANSFORM_PROJECT"] = "{dir}" },
            Files = { ["strata_project.yml"] = Project, ["models/m.sql"] = Model, ["reports/r.sql"] = "select 1\n" },
        },

        // Connections (nothing listens on {port}).
        new("source not reachable", ["source", "seed", "--orders", "1"], 1, ["127.0.0.1:{port}"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}", ["STRATA_SOURCE_PASSWORD"] = "Never-Printed-1" } },
        new("ingest status with no source", ["ingest", "status"], 1, ["127.0.0.1:{port}"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}", ["STRATA_SOURCE_CDC_PASSWORD"] = "Never-Printed-2" } },
        new("ingest with no source", ["ingest", "--once"], 1, ["127.0.0.1:{port}"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}", ["STRATA_SOURCE_CDC_PASSWORD"] = "Never-Printed-3" } },
        new("postgres warehouse not reachable", ["build"], 1, ["127.0.0.1:{port}", "warehouse"]) { Environment = { ["STRATA_WAREHOUSE_ENGINE"] = "postgres", ["STRATA_WAREHOUSE_HOST"] = "127.0.0.1", ["STRATA_WAREHOUSE_PORT"] = "{port}", ["STRATA_WAREHOUSE_PASSWORD"] = "Never-Printed-4" } },

        // Files and folders.
        new("warehouse folder cannot be made", ["build"], 1, ["/proc/strata-nope/w.duckdb", "warehouse.path"]) { Environment = { ["STRATA_WAREHOUSE_PATH"] = "/proc/strata-nope/w.duckdb" } },
        new("warehouse file is not duckdb", ["build"], 1, ["junk.duckdb", "warehouse.path"]) { Environment = { ["STRATA_WAREHOUSE_PATH"] = "{dir}/junk.duckdb" }, Files = { ["junk.duckdb"] = "this is not a database\n" } },
        new("warehouse path is a folder", ["build"], 1, ["warehouse.path"]) { Environment = { ["STRATA_WAREHOUSE_PATH"] = "{dir}/folder" }, Files = { ["folder/keep"] = "" } },
        new("report out is a file", ["report", "run", "top_delivery_dates", "--format", "csv", "--out", "{dir}/afile"], 1, ["afile", "--out", "is a file"]) { Files = { ["afile"] = "x" } },
        new("yml list where a section goes", ["config", "show"], 1, ["strata.yml:1:"]) { Files = { ["strata.yml"] = "- source\n- warehouse\n" } },
        new("yml tab indentation", ["config", "show"], 1, ["strata.yml:"]) { Files = { ["strata.yml"] = "source:\n\thost: db\n" } },
        new("yml duplicate key", ["config", "show"], 1, ["strata.yml:"]) { Files = { ["strata.yml"] = "source:\n  host: a\n  host: b\n" } },
        new("report param with equals only", ["report", "run", "top_delivery_dates", "--format", "csv", "--param", "=1"], 1, ["--param"]),
        new("seed negative count", ["source", "seed", "--orders", "-5"], 1, ["orders"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}" } },
        new("simulate delete rate above one", ["source", "simulate", "--delete-rate", "3"], 1, ["delete"]) { Environment = { ["STRATA_SOURCE_HOST"] = "127.0.0.1", ["STRATA_SOURCE_PORT"] = "{port}" } },
        new("up with a negative speed", ["up", "--speed", "-1"], 1, ["--speed", "above 0"]),
        new("ingest threads zero", ["ingest", "--once", "--threads", "0"], 1, ["--threads"]),
    ];
}
