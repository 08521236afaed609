using Npgsql;
using Strata.Configuration;
using Strata.Infra.Declaration;
using Strata.Infra.Postgres;
using Strata.Infra.Snowflake;
using Strata.Output;
using Strata.Source;
using Strata.Warehouse;

namespace Strata.Infra;

/// <summary>
/// <c>strata infra plan | apply</c>: the source half (the CDC login and publication, the same code as
/// <c>strata source init</c>) and the warehouse half (a role per part on PostgreSQL; on Snowflake the
/// <c>snowflake:</c> section through the adapter's session), diffed against the live catalogs every time: there is
/// no state file to drift.
/// </summary>
/// <remarks>Owns <paramref name="snowflake"/>: disposing the service disposes it.</remarks>
/// <param name="config">The project's configuration (strata.yml, STRATA_*).</param>
/// <param name="declaration">infra.yml, or the defaults.</param>
/// <param name="ensureMetadata">Creates or migrates the <c>_strata</c> schema through the configured warehouse, as the admin login.</param>
/// <param name="snowflake">The Snowflake adapter's session, when the warehouse is Snowflake: the <c>snowflake:</c> section is then planned and applied through it.</param>
public sealed class InfraService(StrataConfig config, InfraDeclaration declaration, Func<CancellationToken, Task> ensureMetadata, ISnowflakeSession? snowflake = null) : IAsyncDisposable
{
    /// <summary>Reads the servers and plans; <paramref name="prune"/> also revokes grants to roles the declaration does not name.</summary>
    /// <param name="prune">Also revoke grants to roles the declaration does not name, on the objects it manages.</param>
    /// <param name="serversOnly">For drift checks: leave out what only this machine needs (<see cref="PlannedChange.LocalOnly"/>).</param>
    /// <param name="cancellationToken">Cancels the reading.</param>
    public async Task<InfraPlan> PlanAsync(bool prune, bool serversOnly = false, CancellationToken cancellationToken = default)
    {
        var plan = await PlanEverythingAsync(prune, cancellationToken);
        var local = plan.Changes.Count(c => c.LocalOnly);
        if (!serversOnly || local == 0)
        {
            return plan;
        }

        return new InfraPlan([.. plan.Changes.Where(c => !c.LocalOnly)],
            [.. plan.Notes, $"{local} login(s) have no password in this machine's secret store: not drift (`strata infra apply` here sets new ones)"]);
    }

    private async Task<InfraPlan> PlanEverythingAsync(bool prune, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var changes = new List<PlannedChange>();
        var notes = new List<string>();
        if (declaration.Source.Manage)
        {
            changes.AddRange(await Translated(SourceWhere(), () => SourceInitializer().PlanAsync(cancellationToken)));
        }
        else
        {
            notes.Add("source: not managed (source.manage is false in infra.yml)");
        }

        if (WarehousePlanner() is { } planner)
        {
            changes.AddRange(await Translated(planner.Where, () => planner.PlanAsync(prune, cancellationToken)));
            notes.AddRange(planner.Notes);
        }
        else if (WarehouseNote() is { } note)
        {
            notes.Add(note);
        }

        if (declaration.Snowflake is { } declared && snowflake is not null)
        {
            var account = new SnowflakePlanner(snowflake, declared, SnowflakeTarget.From(config), ensureMetadata);
            changes.AddRange(await TranslatedSnowflake("reading the account", () => account.PlanAsync(prune, cancellationToken)));
        }
        else if (declaration.Snowflake is not null)
        {
            notes.Add($"snowflake: declared in infra.yml, but warehouse.engine is {config.Text(Settings.WarehouseEngine)}: it is planned only on a Snowflake warehouse");
        }

        return new InfraPlan(changes, notes);
    }

    /// <summary>Runs exactly <paramref name="plan"/>'s changes, the source's first; returns a line per change and any warnings.</summary>
    public async Task<(IReadOnlyList<string> Done, IReadOnlyList<string> Warnings)> ApplyAsync(InfraPlan plan, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var done = new List<string>();
        var warnings = new List<string>();
        var source = plan.Changes.Where(c => c.Part == Strata.Source.Schema.SourceInitializer.Part).ToList();
        if (source.Count > 0)
        {
            var initializer = SourceInitializer();
            done.AddRange(await Translated(SourceWhere(), () => initializer.ApplyAsync(source, cancellationToken)));
            warnings.AddRange(initializer.Warnings);
        }

        var warehouse = plan.Changes.Where(c => c.Part == PostgresWarehousePlanner.Part).ToList();
        if (warehouse.Count > 0 && WarehousePlanner() is { } planner)
        {
            done.AddRange(await Translated(planner.Where, () => planner.ApplyAsync(warehouse, cancellationToken)));
        }

        // In the plan's order, one statement at a time: Snowflake commits each as it runs.
        const string Partly = "; what ran before it stays (Snowflake commits each statement) — run `strata infra plan` to see what is left";
        foreach (var change in plan.Changes.Where(c => c.Part == SnowflakePlanner.Part))
        {
            if (change.Run is { } run)
            {
                await TranslatedSnowflake("creating Strata's metadata tables", () => run(cancellationToken), Partly);
            }

            foreach (var statement in change.Statements)
            {
                await TranslatedSnowflake($"`{statement.Shown}`", () => snowflake!.ExecuteAsync(statement.ToRun(), cancellationToken), Partly);
            }

            done.Add(change.Done);
        }

        return (done, warnings);
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        (snowflake as IDisposable)?.Dispose();
        return ValueTask.CompletedTask;
    }

    private Strata.Source.Schema.SourceInitializer SourceInitializer()
    {
        var service = new SourceService(config, NullConsole.Instance);
        return service.Initializer(service.Endpoint());
    }

    private string SourceWhere()
    {
        var endpoint = new SourceService(config, NullConsole.Instance).Endpoint();
        return $"source {endpoint.Address} as '{endpoint.User}'";
    }

    private PostgresWarehousePlanner? WarehousePlanner()
    {
        if (config.Text(Settings.WarehouseEngine) != "postgres" || !declaration.Warehouse.Manage)
        {
            return null;
        }

        // By name alone, whatever the server (localhost and 127.0.0.1 are one): erring this way only leaves PUBLIC be.
        var database = config.Text(Settings.WarehouseDatabase)!;
        var sharesSource = database == SourceSettings.From(config).Database;
        return new PostgresWarehousePlanner(WarehouseAdmin.Endpoint(config), database, declaration.Warehouse, config.SecretStore, ensureMetadata, sharesSource);
    }

    /// <summary>Why the warehouse half has no changes of its own; null when the <c>snowflake:</c> part stands for it.</summary>
    private string? WarehouseNote() => config.Text(Settings.WarehouseEngine) switch
    {
        "duckdb" => "warehouse: DuckDB is one file with no roles or grants; every part opens it as this OS user (protect the file instead), so there is nothing to manage",
        "snowflake" when declaration.Snowflake is null =>
            "warehouse: Snowflake's roles, compute warehouses and grants are managed only with a snowflake: section in infra.yml (`snowflake: {}` for the defaults, docs/infra.md)",
        "snowflake" => null,
        _ when !declaration.Warehouse.Manage => "warehouse: not managed (warehouse.manage is false in infra.yml)",
        var engine => $"warehouse: the {engine} engine has no roles Strata manages yet",
    };

    /// <inheritdoc cref="TranslatedSnowflake{T}"/>
    private static Task TranslatedSnowflake(string doing, Func<Task> work, string then) =>
        TranslatedSnowflake(doing, async () =>
        {
            await work();
            return true;
        }, then);

    /// <summary>Snowflake's refusal as one line naming what Strata was doing; the adapter's message already names the endpoint and never a credential.</summary>
    private static async Task<T> TranslatedSnowflake<T>(string doing, Func<Task<T>> work, string then = "")
    {
        try
        {
            return await work();
        }
        catch (WarehouseException ex)
        {
            // Snowflake's messages break after "SQL compilation error:"; the CLI's error is one line.
            throw new InfraException($"snowflake: {doing} failed: {ex.Message.ReplaceLineEndings(" ")}{then}", ex);
        }
    }

    /// <summary>
    /// A server's failure is a user's error (exit 1) in one line, never a "bug" (whose exit code 2 would read as
    /// "changes" to a CI drift check).
    /// </summary>
    private static async Task<T> Translated<T>(string where, Func<Task<T>> work)
    {
        try
        {
            return await work();
        }
        catch (PostgresException ex)
        {
            throw new InfraException(
                $"{where}: PostgreSQL refused a statement ({ex.SqlState}: {ex.MessageText}); its transaction was rolled back — run `strata infra plan` to see what is left to do", ex);
        }
        catch (NpgsqlException ex)
        {
            throw new InfraException($"{where}: cannot reach PostgreSQL ({ex.Message}); check its host and port in strata.yml, and that the server runs", ex);
        }
    }
}
