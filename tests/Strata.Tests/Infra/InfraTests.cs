using System.Text.Json;
using Npgsql;
using Spectre.Console.Testing;
using Strata.Testing;
using Strata.Tests.Source;

namespace Strata.Tests.Infra;

/// <summary>
/// <c>strata infra plan | apply | drift</c> on a real server: the PostgreSQL source and a PostgreSQL warehouse.
/// Roles are server-wide and the tests share the server: every role made here carries a prefix of its own and is dropped at the end.
/// </summary>
public sealed class InfraTests() : SharedServerTest("infra")
{
    private const string KnownCdcPassword = "Known-Cdc-Secret-4242";
    private readonly string _prefix = $"t_infra_{Guid.NewGuid().ToString("N")[..6]}_";
    private string _warehouse = "";

    private string Ingestion => _prefix + "ingestion";

    private string Transformation => _prefix + "transformation";

    private string Reports => _prefix + "reports";

    private string Dashboard => _prefix + "dashboard";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseWarehouseEngine("postgres");
        _warehouse = "w_" + _prefix.TrimEnd('_');
        Project.Environment["STRATA_WAREHOUSE_DATABASE"] = _warehouse;
        Project.Environment["STRATA_SOURCE_CDC_PASSWORD"] = KnownCdcPassword;
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), $"warehouse:\n  role_prefix: {_prefix}\n  analyst: true\n");
    }

    [Fact]
    public async Task Plan_apply_and_plan_again_is_empty_and_each_login_can_do_only_its_part()
    {
        await Server.ExecuteAsync($"DROP DATABASE IF EXISTS {Project.Database} WITH (FORCE)");
        var outputs = new List<CliResult>();

        var first = await RunAsync(outputs, "infra", "plan", "--json");
        Assert.True(first.ExitCode == 2, first.ToString());
        var planned = Subjects(first);
        Assert.Contains($"source create database {Project.Database}", planned);
        Assert.Contains($"source create publication pub_infra (FOR TABLES IN SCHEMA operations)", planned);
        Assert.Contains($"warehouse create database {_warehouse}", planned);
        Assert.Contains($"warehouse create role {Reports} (login = true, password = in the secret store)", planned);
        Assert.Contains($"warehouse create role {_prefix}analyst (login = false)", planned);
        Assert.Contains($"warehouse create schema bronze (owner = {Ingestion})", planned);
        Assert.Contains($"warehouse grant SELECT on future tables gold (created by {Transformation}) to {Reports}", planned);

        var apply = await RunAsync(outputs, "infra", "apply", "--yes", "--json");
        Assert.True(apply.ExitCode == 0, apply.ToString());
        Assert.Equal(planned.Count, Json(apply).GetProperty("applied").GetArrayLength());

        await AssertNoChangesAsync(outputs);
        var init = await RunAsync(outputs, "source", "init");
        Assert.True(init.ExitCode == 0, init.ToString());
        Assert.Contains("nothing changed", init.Output, StringComparison.Ordinal);

        // The parts do their work as their own logins; what they create is covered by the default privileges.
        await ExecuteAsAsync(Ingestion, "CREATE TABLE bronze.orders (id int); INSERT INTO bronze.orders VALUES (1)");
        await ExecuteAsAsync(Ingestion, "INSERT INTO _strata.checkpoints (pipeline, slot, confirmed_lsn, updated_at) VALUES ('p', 's', 1, now())");
        await ExecuteAsAsync(Transformation, "CREATE TABLE silver.orders AS SELECT * FROM bronze.orders; CREATE TABLE gold.fct_orders AS SELECT * FROM silver.orders");
        await ExecuteAsAsync(Reports, "SELECT * FROM gold.fct_orders");
        await ExecuteAsAsync(Dashboard, "SELECT * FROM gold.fct_orders, _strata.checkpoints");
        await AssertNoChangesAsync(outputs);

        // Each asserted by trying: permission denied, SQLSTATE 42501.
        foreach (var sql in new[]
        {
            "SELECT * FROM bronze.orders", "INSERT INTO gold.fct_orders VALUES (2)", "CREATE TABLE gold.sneaky (id int)", "CREATE TABLE public.sneaky (id int)",
            "CREATE SCHEMA sneaky", "INSERT INTO _strata.model_runs (run_id) VALUES ('x')", "SELECT * FROM _strata.quarantine",
        })
        {
            await AssertDeniedAsync(Reports, sql);
        }

        await AssertDeniedAsync(Ingestion, "INSERT INTO gold.fct_orders VALUES (2)");
        await AssertDeniedAsync(Ingestion, "CREATE TABLE gold.sneaky (id int)");
        await AssertDeniedAsync(Transformation, "INSERT INTO bronze.orders VALUES (2)");
        await AssertDeniedAsync(Transformation, "SELECT * FROM operations.orders", Project.Database);
        await AssertDeniedAsync(Transformation, "INSERT INTO operations.customers (customer_name) VALUES ('x')", Project.Database);

        AssertNoSecretIn(outputs);
    }

    [Fact]
    public async Task Drift_made_by_hand_shows_in_the_plan_and_apply_repairs_it()
    {
        var outputs = new List<CliResult>();
        Assert.Equal(0, (await RunAsync(outputs, "infra", "apply", "--yes")).ExitCode);
        await ExecuteAsAsync(Transformation, "CREATE TABLE gold.fct_orders (id int)");
        await AssertNoChangesAsync(outputs);

        // An extra grant, a revoked privilege and a dropped role, on both halves.
        await Server.ExecuteAsync($"GRANT SELECT ON ALL TABLES IN SCHEMA _strata TO {Reports}; REVOKE SELECT ON gold.fct_orders FROM {Reports}", _warehouse);
        await Server.ExecuteAsync($"DROP OWNED BY {Dashboard}; DROP ROLE {Dashboard}", _warehouse);
        await Server.ExecuteAsync($"REVOKE SELECT ON operations.customers FROM {Project.CdcUser}; GRANT INSERT ON operations.orders TO {Project.CdcUser}", Project.Database);

        var drift = await RunAsync(outputs, "infra", "drift");
        Assert.True(drift.ExitCode == 2, drift.ToString());
        Assert.DoesNotContain("\u001b[", drift.Output, StringComparison.Ordinal);
        var plan = await RunAsync(outputs, "infra", "plan", "--json");
        var planned = Subjects(plan);
        Assert.Contains($"warehouse revoke SELECT on table _strata.quarantine from {Reports}", planned);
        Assert.Contains($"warehouse grant SELECT on table gold.fct_orders to {Reports}", planned);
        Assert.Contains($"warehouse create role {Dashboard} (login = true, password = in the secret store)", planned);
        Assert.Contains($"source grant SELECT on table operations.customers to {Project.CdcUser}", planned);
        Assert.Contains($"source revoke INSERT on table operations.orders from {Project.CdcUser}", planned);

        Assert.Equal(0, (await RunAsync(outputs, "infra", "apply", "--yes")).ExitCode);
        await AssertNoChangesAsync(outputs);
        await AssertDeniedAsync(Reports, "SELECT * FROM _strata.quarantine");
        await ExecuteAsAsync(Reports, "SELECT * FROM gold.fct_orders");
        await ExecuteAsAsync(Dashboard, "SELECT * FROM gold.fct_orders");
        AssertNoSecretIn(outputs);
    }

    [Fact]
    public async Task A_login_whose_password_this_machine_lacks_is_a_change_for_plan_but_not_drift()
    {
        Assert.Equal(0, (await Project.RunAsync("infra", "apply", "--yes")).ExitCode);
        File.Delete(Path.Combine(Project.Directory, ".strata", "secrets", "warehouse_reports_password"));

        var plan = await Project.RunAsync("infra", "plan", "--json");
        var drift = await Project.RunAsync("infra", "drift", "--json");

        Assert.True(plan.ExitCode == 2, plan.ToString());
        Assert.Equal([$"warehouse alter role {Reports} (password: none → in the secret store)"], Subjects(plan));
        Assert.True(drift.ExitCode == 0, drift.ToString());
        Assert.Empty(Subjects(drift));
        Assert.Contains(Json(drift).GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("1 login(s) have no password", StringComparison.Ordinal));

        Assert.Equal(0, (await Project.RunAsync("infra", "apply", "--yes")).ExitCode);
        await ExecuteAsAsync(Reports, "SELECT 1");
        await AssertNoChangesAsync([]);
    }

    [Fact]
    public async Task Prune_revokes_a_grant_to_an_unmanaged_role_but_never_ownership()
    {
        var outputs = new List<CliResult>();
        Assert.Equal(0, (await RunAsync(outputs, "infra", "apply", "--yes")).ExitCode);
        await ExecuteAsAsync(Transformation, "CREATE TABLE gold.fct_orders (id int)");
        var stranger = _prefix + "stranger";
        await Server.ExecuteAsync($"CREATE ROLE {stranger} NOLOGIN; GRANT USAGE ON SCHEMA gold TO {stranger}; GRANT SELECT ON gold.fct_orders TO {stranger}", _warehouse);

        // Left alone without --prune: it is not Strata's.
        await AssertNoChangesAsync(outputs);
        var pruning = await RunAsync(outputs, "infra", "plan", "--prune", "--json");
        Assert.True(pruning.ExitCode == 2, pruning.ToString());
        var planned = Subjects(pruning);
        Assert.Contains($"warehouse revoke SELECT on table gold.fct_orders from {stranger}", planned);
        Assert.Contains($"warehouse revoke USAGE on schema gold from {stranger}", planned);
        Assert.All(planned, p => Assert.StartsWith("warehouse revoke", p, StringComparison.Ordinal));

        // PUBLIC is such a role: by default every login on the server may connect to the warehouse and create temporary tables there.
        Assert.Contains($"warehouse revoke CONNECT on database {_warehouse} from PUBLIC", planned);
        Assert.Contains($"warehouse revoke TEMPORARY on database {_warehouse} from PUBLIC", planned);
        var plain = await RunAsync(outputs, "infra", "plan", "--json");
        Assert.Contains(Json(plain).GetProperty("notes").EnumerateArray(), n => n.GetString()!.StartsWith("warehouse: PUBLIC (every login on ", StringComparison.Ordinal));
        var passerby = _prefix + "passerby";
        await Server.ExecuteAsync($"CREATE ROLE {passerby} LOGIN PASSWORD 'passerby-pw'", _warehouse);
        await (await Server.OpenAsync(_warehouse, passerby, "passerby-pw")).DisposeAsync();
        await ExecuteAsAsync(Reports, "CREATE TEMPORARY TABLE scratch (id int)");

        Assert.Equal(0, (await RunAsync(outputs, "infra", "apply", "--prune", "--yes")).ExitCode);
        Assert.Equal(0, (await RunAsync(outputs, "infra", "plan", "--prune")).ExitCode);
        Assert.Equal(0, (await RunAsync(outputs, "infra", "plan")).ExitCode);
        var refused = await Assert.ThrowsAsync<PostgresException>(async () => await (await Server.OpenAsync(_warehouse, passerby, "passerby-pw")).DisposeAsync());
        Assert.Equal("42501", refused.SqlState);
        await AssertDeniedAsync(Reports, "CREATE TEMPORARY TABLE scratch (id int)");
        await ExecuteAsAsync(Reports, "SELECT * FROM gold.fct_orders");
        Assert.False(await Server.ScalarAsync<bool>($"SELECT has_table_privilege('{stranger}', 'gold.fct_orders', 'SELECT')", _warehouse));
        Assert.Equal(Transformation, await Server.ScalarAsync<string>("SELECT tableowner::text FROM pg_tables WHERE schemaname = 'gold' AND tablename = 'fct_orders'", _warehouse));
        await ExecuteAsAsync(Transformation, "INSERT INTO gold.fct_orders VALUES (1)");
        AssertNoSecretIn(outputs);
    }

    [Fact]
    public async Task On_DuckDB_the_plan_says_in_one_line_that_there_is_nothing_to_manage()
    {
        Project.Environment["STRATA_WAREHOUSE_ENGINE"] = "duckdb";
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), "source:\n  manage: false\n");

        var plan = await Project.RunAsync("infra", "plan", "--json");

        Assert.True(plan.ExitCode == 0, plan.ToString());
        var notes = Json(plan).GetProperty("notes").EnumerateArray().Select(n => n.GetString()!).ToList();
        Assert.Equal(2, notes.Count);
        Assert.StartsWith("warehouse: DuckDB is one file with no roles", notes[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bad_declaration_is_one_line_naming_the_file_line_and_column()
    {
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), "warehouse:\n  role_prefx: x_\n");

        var plan = await Project.RunAsync("infra", "plan");

        Assert.Equal(1, plan.ExitCode);
        var line = Assert.Single(plan.ErrorLines);
        Assert.Matches(@"^error: .*infra\.yml:2:3: unknown key 'role_prefx' \(did you mean 'role_prefix'\?\)", line);
    }

    [Fact]
    public async Task Apply_off_a_terminal_without_yes_applies_nothing()
    {
        var apply = await Project.RunAsync("infra", "apply");

        Assert.Equal(1, apply.ExitCode);
        Assert.Contains("--yes", Assert.Single(apply.ErrorLines), StringComparison.Ordinal);
        Assert.False(await Server.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Reports}')"));
    }

    [Fact]
    public async Task On_a_terminal_the_plan_is_coloured_and_apply_asks_first()
    {
        using var console = new TestConsole();
        var terminal = console.Interactive().EmitAnsiSequences();
        terminal.Input.PushTextWithEnter("n");

        var declined = await Project.RunInTerminalAsync(terminal, "infra", "apply");

        Assert.True(declined.ExitCode == 1, declined + terminal.Output);
        Assert.Contains("Apply these", terminal.Output, StringComparison.Ordinal);
        Assert.Contains("\u001b[", terminal.Output, StringComparison.Ordinal);
        Assert.Contains($"+ create role {Reports}", terminal.Output, StringComparison.Ordinal);
        Assert.False(await Server.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Reports}')"));

        terminal.Input.PushTextWithEnter("y");
        var accepted = await Project.RunInTerminalAsync(terminal, "infra", "apply");

        Assert.True(accepted.ExitCode == 0, accepted + terminal.Output);
        Assert.True(await Server.ScalarAsync<bool>($"SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{Reports}')"));
        Assert.Equal(0, (await Project.RunAsync("infra", "plan")).ExitCode);
    }

    [Fact]
    public async Task A_login_without_the_rights_gets_one_line_naming_it_the_server_and_the_fix_and_no_password()
    {
        const string WeakPassword = "Weak-Login-Secret-777";
        var weak = _prefix + "weak";
        await Server.ExecuteAsync($"CREATE ROLE {weak} LOGIN PASSWORD '{WeakPassword}'");
        Project.Environment["STRATA_WAREHOUSE_USER"] = weak;
        Project.Environment["STRATA_WAREHOUSE_PASSWORD"] = WeakPassword;
        File.WriteAllText(Path.Combine(Project.Directory, "infra.yml"), $"source:\n  manage: false\nwarehouse:\n  role_prefix: {_prefix}\n");

        var apply = await Project.RunAsync("infra", "apply", "--yes");

        Assert.Equal(1, apply.ExitCode);
        var line = Assert.Single(apply.ErrorLines);
        Assert.Contains($"login '{weak}' on 127.0.0.1:{Server.Port}", line, StringComparison.Ordinal);
        Assert.Contains("lacks a privilege infra apply needs", line, StringComparison.Ordinal);
        Assert.Contains("superuser", line, StringComparison.Ordinal);
        Assert.DoesNotContain(WeakPassword, apply.All, StringComparison.Ordinal);
    }

    public override async Task DisposeAsync()
    {
        await InfraCleanup.DropAsync(Server, _prefix, _warehouse, Project.Database);
        await base.DisposeAsync();
    }

    private async Task<CliResult> RunAsync(List<CliResult> outputs, params string[] args)
    {
        var result = await Project.RunAsync(args);
        outputs.Add(result);
        return result;
    }

    private async Task AssertNoChangesAsync(List<CliResult> outputs)
    {
        var plan = await RunAsync(outputs, "infra", "plan", "--json");
        Assert.True(plan.ExitCode == 0, plan.ToString());
        Assert.Empty(Subjects(plan));
    }

    /// <summary>Neither the known CDC password, the admin's, nor any password the secret store holds appears in any output.</summary>
    private void AssertNoSecretIn(List<CliResult> outputs)
    {
        var secrets = Directory.EnumerateFiles(Path.Combine(Project.Directory, ".strata", "secrets")).Select(File.ReadAllText)
            .Append(KnownCdcPassword).Append(Server.Password).Where(s => s.Length > 0).ToList();
        Assert.True(secrets.Count >= 6, string.Join(", ", Directory.EnumerateFiles(Path.Combine(Project.Directory, ".strata", "secrets"))));
        foreach (var output in outputs)
        {
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(secret.Trim(), output.All, StringComparison.Ordinal);
            }
        }
    }

    private string PasswordOf(string role) =>
        File.ReadAllText(Path.Combine(Project.Directory, ".strata", "secrets", $"warehouse_{role[_prefix.Length..]}_password")).Trim();

    private async Task ExecuteAsAsync(string role, string sql, string? database = null)
    {
        await using var connection = await Server.OpenAsync(database ?? _warehouse, role, PasswordOf(role));
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task AssertDeniedAsync(string role, string sql, string? database = null)
    {
        var denied = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsAsync(role, sql, database));
        Assert.True(denied.SqlState == "42501", $"{role}: {sql}: {denied.SqlState} {denied.MessageText}");
    }

    private static JsonElement Json(CliResult result) => JsonDocument.Parse(result.Output).RootElement.Clone();

    /// <summary>Each planned change as <c>part action subject</c>.</summary>
    private static List<string> Subjects(CliResult result)
    {
        var root = Json(result);
        var plan = root.TryGetProperty("plan", out var nested) ? nested : root;
        return plan.GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("part").GetString()} {c.GetProperty("action").GetString()} {c.GetProperty("subject").GetString()}").ToList();
    }
}
