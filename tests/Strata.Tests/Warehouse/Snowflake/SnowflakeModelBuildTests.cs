using Strata.Output;
using Strata.Testing;
using Strata.Transform;
using Strata.Transform.Execution;
using Strata.Transform.Execution.Staging;
using static Strata.Tests.Warehouse.Snowflake.SqlApiShapes;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Models on Snowflake, against the fake account scripted to answer a build's reads (<see cref="ModelCatalogScript"/>):
/// every statement <c>strata build</c> sends is captured and checked — DDL and reads only outside <c>BEGIN … COMMIT</c>,
/// each changelog model's writes and watermark in one such request, every scratch table dropped, every statement
/// Snowflake SQL — and the current_state, history and merge transactions are pinned. Whether Snowflake runs them
/// with the intended meaning is for the live suite (docs/snowflake.md).
/// </summary>
public sealed class SnowflakeModelBuildTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);
    private static readonly string[] Meta = ModelCatalogScript.ChangelogColumns;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"strata-sfmodels-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    [Fact]
    public async Task The_finance_project_builds_with_DDL_and_reads_before_each_transaction_of_writes_and_watermark()
    {
        var script = new ModelCatalogScript
        {
            BatchColumns = new Dictionary<string, string[]>
            {
                ["customers"] = ["customer_id", "customer_name", .. Meta],
                ["products"] = ["product_id", "product_name", "unit_price", .. Meta],
                ["orders"] = ["order_id", "order_date", "delivery_date", "customer_id", "status", .. Meta],
                ["order_items"] = ["order_item_id", "order_id", "product_id", "quantity", .. Meta],
            }.SelectMany(m => new[] { (m.Key, m.Value), (m.Key + "_history", m.Value) }).ToDictionary(m => m.Item1, m => m.Item2),
        };
        await using var account = await FakeSnowflakeAccount.StartAsync(script.Answer);
        await using var warehouse = account.Warehouse();

        var summary = await BuildAsync(Path.Combine(Repository.Root, "analytics"), warehouse);

        Assert.True(summary.Succeeded, string.Join("\n", summary.Models.Where(m => m.Status != "success").Select(m => $"{m.Model}: {m.Error}")));
        var built = summary.Models.Where(m => m.Status == "success").Select(m => m.Model).ToList();
        Assert.Equal(16, built.Count);
        await AssertBuildProtocolAsync(account, script.BatchColumns.Keys.Select(m => ("SILVER", m)).ToList());
        // Each gold table is one atomic replace (the old table stays if it fails, its grants kept), never a drop and a create.
        var texts = CapturedRequest.Of(account.Server).Select(r => r.Text).ToList();
        Assert.Equal(8, texts.Count(t => t.StartsWith("CREATE OR REPLACE TABLE \"GOLD\".", StringComparison.Ordinal) && t.Contains(" COPY GRANTS AS\n", StringComparison.Ordinal)));
        Assert.DoesNotContain(texts, t => t.StartsWith("DROP TABLE IF EXISTS \"GOLD\".", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_changelog_project_on_existing_tables_pins_the_current_state_history_and_merge_transactions()
    {
        // The select-state unit test's rows, as the model's select over its staged given rows returns them.
        var (account, warehouse) = await StartChangelogProjectAsync(request => request.Statement?.EndsWith(") AS actual", StringComparison.Ordinal) == true
            ? ResultSet("actual", [Column("ID", "fixed", 0), Column("NAME", "text")], [["1", "A"]])
            : null);
        await using var _ = account;
        await using var __ = warehouse;

        var summary = await BuildAsync(Path.Combine(_folder, "analytics"), warehouse);

        Assert.True(summary.Succeeded, string.Join("\n", summary.Models.Concat<object>(summary.Tests).Select(r => r.ToString())));
        Assert.Equal("pass", Assert.Single(summary.Tests, t => t.Test == "view_is_upper").Status);
        var final = Assert.Single(summary.Tests, t => t.Test == "merge_keeps_the_rest");
        Assert.Equal("skipped", final.Status);
        Assert.Contains("expects a final state, which needs a rolled-back transaction that reads its own writes; snowflake has none", final.Error, StringComparison.Ordinal);
        var given = Assert.Single(CapturedRequest.Of(account.Server), r => r.Text.Contains("SELECT 1 AS \"ID\", 'a' AS \"NAME\"", StringComparison.Ordinal));
        Assert.StartsWith("CREATE OR REPLACE TRANSIENT TABLE \"_STRATA_STAGE\".\"STRATA_UNIT_", given.Text, StringComparison.Ordinal);
        await AssertBuildProtocolAsync(account, [("SILVER", "things"), ("SILVER", "things_history")]);

        var requests = CapturedRequest.Of(account.Server);
        Assert.Equal(SnowflakeModelGolden.CurrentState, RequestWriting(requests, "\"SILVER\".\"THINGS\""));
        Assert.Equal(SnowflakeModelGolden.History, RequestWriting(requests, "\"SILVER\".\"THINGS_HISTORY\""));
        Assert.Equal(SnowflakeModelGolden.Merge, RequestWriting(requests, "\"SILVER\".\"THINGS_MERGED\""));
    }

    [Fact]
    public async Task A_history_guard_that_fails_the_transaction_ends_the_build_with_the_key_and_drops_the_scratch_tables()
    {
        // Snowflake's answer to casting the guard's text to a number (SQL compilation error 100038).
        var (account, warehouse) = await StartChangelogProjectAsync(request =>
            request.Statement is { } sql && sql.StartsWith("BEGIN TRANSACTION", StringComparison.Ordinal) && sql.Contains("strata guard: ", StringComparison.Ordinal)
                ? Failure(422, "100038", "22018", "Numeric value 'strata guard: id=3' is not recognized", "guarded")
                : null);
        await using var _ = account;
        await using var __ = warehouse;

        var summary = await BuildAsync(Path.Combine(_folder, "analytics"), warehouse, "things_history");

        var result = Assert.Single(summary.Models);
        Assert.Equal("error", result.Status);
        Assert.Contains("would hold two current versions of id=3; the build is rolled back", result.Error, StringComparison.Ordinal);
        var requests = CapturedRequest.Of(account.Server);
        var failed = requests.Single(r => r.IsTransaction);
        Assert.DoesNotContain(requests.SkipWhile(r => r != failed).Skip(1), r => r.Statements.Any(s => CapturedRequest.Writes(s, "\"_STRATA\".\"MODEL_STATE\"")));
        AssertScratchDropped(requests);
    }

    [Fact]
    public async Task A_seed_and_a_dbt_snapshot_keep_their_DDL_before_and_their_rows_in_one_transaction()
    {
        Strata.Tests.Transform.TransformProjects.Write(Path.Combine(_folder, "shop"), new Dictionary<string, string>
        {
            ["dbt_project.yml"] = "name: shop\n",
            ["models/sources.yml"] = "version: 2\nsources:\n  - name: raw\n    tables: [{name: things}]\n",
            ["seeds/colors.csv"] = "id,name\n1,red\n2,green\n",
            ["snapshots/things_snapshot.sql"] =
                "{% snapshot things_snapshot %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='timestamp', updated_at='updated_at') }}\n" +
                "select * from {{ source('raw', 'things') }}\n{% endsnapshot %}\n",
        });
        var script = new ModelCatalogScript
        {
            BatchColumns = new Dictionary<string, string[]> { ["things_snapshot"] = ["id", "name", "updated_at"] },
            Relations = new Dictionary<string, string> { ["SNAPSHOTS.THINGS_SNAPSHOT"] = "BASE TABLE" },
            Columns = new Dictionary<string, string[]>
            {
                ["SNAPSHOTS.THINGS_SNAPSHOT"] = ["ID", "NAME", "UPDATED_AT", "DBT_SCD_ID", "DBT_UPDATED_AT", "DBT_VALID_FROM", "DBT_VALID_TO"],
            },
        };
        await using var account = await FakeSnowflakeAccount.StartAsync(script.Answer);
        await using var warehouse = account.Warehouse();

        var summary = await BuildAsync(Path.Combine(_folder, "shop"), warehouse);

        Assert.True(summary.Succeeded, string.Join("\n", summary.Models.Select(r => r.ToString())));
        Assert.Equal(["colors", "things_snapshot"], summary.Models.Select(m => m.Model).Order());
        await AssertBuildProtocolAsync(account, []);
        var requests = CapturedRequest.Of(account.Server);
        var texts = requests.Select(r => r.Text).ToList();
        // The seed: its stored hash forgotten, then dropped and created, each on its own; rows and hash in one transaction.
        var seed = Assert.Single(requests, r => r.Statements.Any(s => s.StartsWith("MERGE INTO \"_STRATA\".\"SEEDS\"", StringComparison.Ordinal)));
        Assert.True(seed.IsTransaction);
        Assert.Equal(
            "INSERT INTO \"ANALYTICS\".\"COLORS\" (\"ID\", \"NAME\") VALUES (CAST('1' AS NUMBER(19,0)), CAST('red' AS VARCHAR)), (CAST('2' AS NUMBER(19,0)), CAST('green' AS VARCHAR))",
            seed.Inner[0]);
        var forget = texts.FindIndex(t => t.StartsWith("DELETE FROM \"_STRATA\".\"SEEDS\"", StringComparison.Ordinal));
        var create = texts.FindIndex(t => t.StartsWith("CREATE TABLE ", StringComparison.Ordinal) && t.Contains("\"COLORS\"", StringComparison.Ordinal));
        Assert.True(forget >= 0 && forget < create && create < texts.IndexOf(seed.Text), string.Join("\n", texts));
        // The snapshot: versions closed and inserted, and the guard, in one transaction after the staging.
        var snapshot = Assert.Single(requests, r => r.Statements.Any(s => CapturedRequest.Writes(s, "\"SNAPSHOTS\".\"THINGS_SNAPSHOT\"")));
        Assert.True(snapshot.IsTransaction);
        Assert.Equal(["UPDATE", "INSERT", "DELETE"], snapshot.Inner.Select(s => s.Split(' ')[0]));
        Assert.Contains("strata guard: ", snapshot.Inner[2], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staged_build_refuses_reads_staging_and_DDL_after_its_first_write_and_drops_its_scratch_when_abandoned()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync();
        await using var warehouse = account.Warehouse();

        await using (var build = await ModelBuild.BeginAsync(warehouse, CancellationToken.None))
        {
            Assert.IsType<StagedModelBuild>(build);
            var batch = await build.StageAsync("strata_batch__m", "SELECT 1 AS id", CancellationToken.None);
            await build.WriteAsync($"INSERT INTO \"T\" SELECT * FROM {batch}", null, CancellationToken.None);
            Func<Task>[] late =
            [
                () => build.ReadAsync("SELECT 1", null, CancellationToken.None),
                () => build.StageAsync("strata_latest__m", "SELECT 1", CancellationToken.None),
                () => build.DefineAsync("CREATE TABLE \"T2\" (\"A\" NUMBER)", CancellationToken.None),
            ];
            foreach (var step in late)
            {
                Assert.Contains("after this build's first write", (await Assert.ThrowsAsync<InvalidOperationException>(step)).Message, StringComparison.Ordinal);
            }
        }

        var texts = CapturedRequest.Of(account.Server).Select(r => CapturedRequest.Normalized(r.Text)).ToList();
        Assert.Equal(
            [
                "SELECT 1 FROM information_schema.schemata WHERE schema_name = ?",
                "CREATE SCHEMA IF NOT EXISTS \"_STRATA_STAGE\"",
                "CREATE OR REPLACE TRANSIENT TABLE \"_STRATA_STAGE\".\"STRATA_BATCH__M__BUILD\" AS\nSELECT 1 AS id",
                "DROP TABLE IF EXISTS \"_STRATA_STAGE\".\"STRATA_BATCH__M__BUILD\"",
            ],
            texts);
    }

    private async Task<(FakeSnowflakeAccount Account, Strata.Warehouse.Snowflake.SnowflakeWarehouse Warehouse)> StartChangelogProjectAsync(Func<FakeRequest, FakeAnswer?>? first = null)
    {
        WriteChangelogProject();
        var script = new ModelCatalogScript
        {
            BatchColumns = new Dictionary<string, string[]> { ["things"] = ["id", "name", "n", .. Meta], ["things_history"] = ["id", "name", "n", .. Meta] },
            Relations = new[] { "THINGS", "THINGS_HISTORY", "BIG_THINGS_TABLE", "THINGS_MERGED", "THINGS_APPENDED", "THINGS_REPLACED" }
                .ToDictionary(t => "SILVER." + t, _ => "BASE TABLE").Append(new("SILVER.THINGS_VIEW", "VIEW")).ToDictionary(),
            Columns = new Dictionary<string, string[]>
            {
                ["SILVER.THINGS_MERGED"] = ["ID", "NAME", "N"], ["SILVER.THINGS_APPENDED"] = ["ID", "N"], ["SILVER.THINGS_REPLACED"] = ["ID", "N"],
            },
            Watermarks = new Dictionary<string, (long, long)> { ["things"] = (100, 1), ["things_history"] = (100, 1) },
            Truncated = true,
        };
        var account = await FakeSnowflakeAccount.StartAsync(request => first?.Invoke(request) ?? script.Answer(request));
        return (account, account.Warehouse());
    }

    private void WriteChangelogProject() => Strata.Tests.Transform.TransformProjects.Write(Path.Combine(_folder, "analytics"), new Dictionary<string, string>
    {
        ["strata_project.yml"] = "name: things\nmodels:\n  silver:\n    schema: silver\n",
        ["sources.yml"] = "sources:\n  - name: bronze\n    schema: bronze\n    changelog: true\n    tables:\n      - name: things\n        identifier: operations__things\n",
        ["models/silver/things.sql"] = "{{ config(materialized='current_state', unique_key='id') }}\nselect id, name, n, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
        ["models/silver/things_history.sql"] = "{{ config(materialized='history', unique_key='id') }}\nselect id, name, n, {{ changelog_columns() }} from {{ source('bronze', 'things') }}",
        ["models/silver/things_view.sql"] = "{{ config(materialized='view') }}\nselect id, upper(name) as name from {{ ref('things') }}",
        ["models/silver/big_things.sql"] = "{{ config(materialized='ephemeral') }}\nselect * from {{ ref('things') }} where n >= 10",
        ["models/silver/big_things_table.sql"] = "{{ config(materialized='table') }}\nselect id, n from {{ ref('big_things') }}",
        ["models/silver/things_merged.sql"] =
            "{{ config(materialized='incremental', unique_key='id') }}\nselect id, name, n from {{ ref('things') }}\n{% if is_incremental() %}where n >= 0{% endif %}",
        ["models/silver/things_appended.sql"] =
            "{{ config(materialized='incremental', incremental_strategy='append') }}\nselect id, n from {{ ref('things') }}\n" +
            "{% if is_incremental() %}where id > (select max(id) from {{ this }}){% endif %}",
        ["models/silver/things_replaced.sql"] =
            "{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='id') }}\nselect id, n from {{ ref('things') }}",
        ["models/silver/things.yml"] =
            "unit_tests:\n  - name: view_is_upper\n    model: things_view\n    given:\n      - input: ref('things')\n        rows:\n          - {id: 1, name: a}\n" +
            "    expect:\n      rows:\n        - {id: 1, name: A}\n" +
            "  - name: merge_keeps_the_rest\n    model: things_merged\n    given:\n      - input: this\n        rows:\n          - {id: 1, name: a, n: 1}\n" +
            "      - input: ref('things')\n        rows:\n          - {id: 2, name: b, n: 2}\n    expect:\n      state: final\n      rows:\n        - {id: 1}\n        - {id: 2}\n",
    });

    private async Task<RunSummary> BuildAsync(string project, Strata.Warehouse.IWarehouse warehouse, params string[] select)
    {
        var service = await TransformService.OpenAsync(project, warehouse, Path.Combine(_folder, "target"), new NullConsole());
        return await service.BuildAsync(new RunOptions { Threads = 1, Select = select }).WaitAsync(Deadline);
    }

    /// <summary>The protocol of a build without transactional DDL, checked on everything the account was sent.</summary>
    private static async Task AssertBuildProtocolAsync(FakeSnowflakeAccount account, IReadOnlyList<(string Schema, string Model)> changelogModels)
    {
        var requests = CapturedRequest.Of(account.Server);
        foreach (var transaction in requests.Where(r => r.IsTransaction))
        {
            // Only writes inside: no query (it could not see the writes before it), no DDL (it would commit the transaction).
            Assert.All(transaction.Inner, s => Assert.True(CapturedRequest.IsWrite(s), $"not a write inside BEGIN … COMMIT: {s}"));
        }

        foreach (var (schema, model) in changelogModels)
        {
            var relation = $"\"{schema}\".\"{model.ToUpperInvariant()}\"";
            var writing = requests.Where(r => r.Statements.Any(s => CapturedRequest.Writes(s, relation))).ToList();
            var transaction = Assert.Single(writing);
            Assert.True(transaction.IsTransaction, $"{model}'s writes are not in a transaction");
            Assert.Contains(transaction.Inner, s => s.StartsWith("INSERT INTO \"_STRATA\".\"MODEL_STATE\"", StringComparison.Ordinal) && s.Contains($"('{model}', ", StringComparison.Ordinal));
            Assert.DoesNotContain(requests.Where(r => r != transaction), r => r.Statements.Any(s => s.StartsWith("INSERT INTO \"_STRATA\".\"MODEL_STATE\"", StringComparison.Ordinal) && s.Contains($"('{model}', ", StringComparison.Ordinal)));
        }

        AssertScratchDropped(requests);
        await SnowflakeGrammar.AssertParsesAsync(requests.Select(r => r.Text).ToList());
    }

    /// <summary>Every scratch relation made is dropped, after the last request that names it.</summary>
    private static void AssertScratchDropped(IReadOnlyList<CapturedRequest> requests)
    {
        var texts = requests.Select(r => r.Text).ToList();
        var made = texts.Select(t => System.Text.RegularExpressions.Regex.Match(t, "^CREATE OR REPLACE (?:TRANSIENT TABLE|VIEW) (\"_STRATA_STAGE\"\\.\"[^\"]+\")")).Where(m => m.Success).Select(m => m.Groups[1].Value).ToList();
        Assert.NotEmpty(made);
        foreach (var scratch in made)
        {
            var drop = texts.FindIndex(t => t.StartsWith("DROP ", StringComparison.Ordinal) && t.EndsWith(" IF EXISTS " + scratch, StringComparison.Ordinal));
            Assert.True(drop >= 0, $"{scratch} is not dropped");
            Assert.True(texts.FindLastIndex(t => !t.StartsWith("DROP ", StringComparison.Ordinal) && t.Contains(scratch, StringComparison.Ordinal)) < drop, $"{scratch} is named after its drop");
        }
    }

    /// <summary>The one request writing <paramref name="relation"/>, its build suffixes and its watermark's time of writing normalized.</summary>
    private static string RequestWriting(IReadOnlyList<CapturedRequest> requests, string relation) =>
        CapturedRequest.Normalized(System.Text.RegularExpressions.Regex.Replace(
            requests.Single(r => r.Statements.Any(s => CapturedRequest.Writes(s, relation))).Text,
            @"'\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+'\);$", "'<now>');", System.Text.RegularExpressions.RegexOptions.Multiline));
}
