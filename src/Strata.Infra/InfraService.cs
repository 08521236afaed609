using Npgsql;
using Strata.Configuration;
using Strata.Infra.Declaration;
using Strata.Infra.Postgres;
using Strata.Infra.Snowflake;
using Strata.Output;
using Strata.Source;

namespace Strata.Infra;

/// <summary>
/// <c>strata infra plan | apply</c>: the source half (the CDC login and publication, the same code as
/// <c>strata source init</c>) and the warehouse half (a role per part, on PostgreSQL), diffed against the live
/// catalogs every time: there is no state file to drift.
/// </summary>
/// <param name="config">The project's configuration (strata.yml, STRATA_*).</param>
/// <param name="declaration">infra.yml, or the defaults.</param>
/// <param name="ensureMetadata">Creates or migrates the <c>_strata</c> schema through the configured warehouse, as the admin login.</param>
/// <param name="snowflake">The Snowflake adapter's session, when there is one: the <c>snowflake:</c> section is then planned and applied through it.</param>
public sealed class InfraService(StrataConfig config, InfraDeclaration declaration, Func<CancellationToken, Task> ensureMetadata, ISnowflakeSession? snowflake = null)
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
        }
        else
        {
            notes.Add(WarehouseNote());
        }

        if (declaration.Snowflake is { } declared && snowflake is not null)
        {
            changes.AddRange(await new SnowflakePlanner(snowflake, declared).PlanAsync(prune, cancellationToken));
        }
        else if (declaration.Snowflake is not null)
        {
            notes.Add("snowflake: declared, but not planned until the Snowflake warehouse adapter is configured (docs/infra.md)");
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
        foreach (var change in plan.Changes.Where(c => c.Part == SnowflakePlanner.Part))
        {
            foreach (var statement in change.Statements)
            {
                await snowflake!.ExecuteAsync(statement.ToRun(), cancellationToken);
            }

            done.Add(change.Done);
        }

        return (done, warnings);
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

    private PostgresWarehousePlanner? WarehousePlanner() =>
        config.Text(Settings.WarehouseEngine) == "postgres" && declaration.Warehouse.Manage
            ? new PostgresWarehousePlanner(WarehouseAdmin.Endpoint(config), config.Text(Settings.WarehouseDatabase)!, declaration.Warehouse, config.SecretStore, ensureMetadata)
            : null;

    private string WarehouseNote() => config.Text(Settings.WarehouseEngine) switch
    {
        "duckdb" => "warehouse: DuckDB is one file with no roles or grants; every part opens it as this OS user (protect the file instead), so there is nothing to manage",
        _ when !declaration.Warehouse.Manage => "warehouse: not managed (warehouse.manage is false in infra.yml)",
        var engine => $"warehouse: the {engine} engine has no roles Strata manages yet",
    };

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
