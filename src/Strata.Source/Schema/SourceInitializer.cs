using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Infra;
using Strata.Secrets;
using Strata.Source.Connection;

namespace Strata.Source.Schema;

/// <summary>
/// What change data capture needs on a source server: the business database and schema with its tables (REPLICA
/// IDENTITY FULL), a least-privilege CDC login and a publication of the schema. <see cref="PlanAsync"/> reads the live
/// catalogs and lists what is missing; <see cref="ApplyAsync(IReadOnlyList{PlannedChange}, CancellationToken)"/> runs
/// exactly that list. <c>strata source init</c> and the source half of <c>strata infra apply</c> are both this class.
/// </summary>
public sealed class SourceInitializer
{
    /// <summary>The <see cref="PlannedChange.Part"/> of every change made here.</summary>
    public const string Part = "source";

    private readonly SourceEndpoint _endpoint;
    private readonly SourceSettings _settings;
    private readonly Func<string?> _cdcPassword;
    private readonly SecretStore _secrets;

    /// <summary>Creates the initializer.</summary>
    /// <param name="endpoint">The server, reached as a login allowed to create databases, roles and publications.</param>
    /// <param name="settings">Names of the database, schema, role and publication.</param>
    /// <param name="cdcPassword">The configured CDC password, if any (read lazily so it is not required when the role exists).</param>
    /// <param name="secrets">Where a generated CDC password is kept.</param>
    public SourceInitializer(SourceEndpoint endpoint, SourceSettings settings, Func<string?> cdcPassword, SecretStore secrets)
    {
        _endpoint = endpoint;
        _settings = settings;
        _cdcPassword = cdcPassword;
        _secrets = secrets;
    }

    /// <summary>What applying found and left for the user to decide (tables the CDC cannot follow).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>
    /// <c>strata source init</c>: plans and applies what is missing; returns one line per change made (empty when
    /// nothing needed doing). Only <c>strata infra apply</c> also revokes what the CDC login holds beyond its needs:
    /// init never took privileges away, and still does not.
    /// </summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default) =>
        await ApplyAsync([.. (await PlanAsync(cancellationToken)).Where(c => c.Action != ChangeAction.Revoke)], cancellationToken);

    /// <summary>Reads the server and lists, in the order they must run, the changes the source needs.</summary>
    public async Task<IReadOnlyList<PlannedChange>> PlanAsync(CancellationToken cancellationToken = default)
    {
        var changes = new List<PlannedChange>();
        await using var maintenance = await _endpoint.OpenAsync(_settings.MaintenanceDatabase, cancellationToken);
        await _endpoint.RequireLogicalWalAsync(maintenance, cancellationToken);
        var databaseExists = await maintenance.ExistsAsync("SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, _settings.Database);
        if (!databaseExists)
        {
            changes.Add(Change(ChangeAction.Create, $"database {_settings.Database}", $"created database {_settings.Database}",
                [$"CREATE DATABASE {Sql.Identifier(_settings.Database)}"], _settings.MaintenanceDatabase));
        }

        // A database that does not exist yet has nothing in it: every check inside it then answers "missing" (roles are the server's).
        await using var connection = databaseExists ? await _endpoint.OpenAsync(_settings.Database, cancellationToken) : null;
        var catalog = new SourceCatalog(connection, maintenance, _settings);
        await catalog.ReadAsync(cancellationToken);
        var planner = new SourcePlanner(_settings, catalog, _cdcPassword, _secrets);
        await planner.PlanAsync(changes, cancellationToken);
        return changes;
    }

    /// <summary>Runs <paramref name="changes"/> (from <see cref="PlanAsync"/>), the database's own in one transaction; returns their lines.</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        try
        {
            foreach (var change in changes.Where(c => c.Database == _settings.MaintenanceDatabase))
            {
                await using var maintenance = await _endpoint.OpenAsync(_settings.MaintenanceDatabase, cancellationToken);
                await maintenance.ExecuteAsync(change, cancellationToken);
            }

            await using var connection = await _endpoint.OpenAsync(_settings.Database, cancellationToken);
            await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
            {
                foreach (var change in changes.Where(c => c.Database != _settings.MaintenanceDatabase))
                {
                    await connection.ExecuteAsync(change, cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }

            if (await Diagnostics.UnfollowableTables.ReadAsync(connection, _settings.Publication, cancellationToken) is { Count: > 0 } unfollowable)
            {
                Warnings.Add(Diagnostics.UnfollowableTables.Describe(unfollowable, _settings.Publication));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == "42501")
        {
            throw new SourceException(
                $"login '{_endpoint.User}' on {_endpoint.Address} lacks a privilege source init needs ({ex.MessageText}); " +
                "run it as a superuser or a role with CREATEROLE and ownership of the database", ex);
        }

        return changes.Select(c => c.Done).ToList();
    }


    internal static PlannedChange Change(ChangeAction action, string subject, string done, IReadOnlyList<InfraStatement> statements, string? database = null) =>
        new(Part, action, subject, done, statements, database);

    /// <summary>The secret-store name of the CDC password.</summary>
    internal static string CdcSecretName => Settings.SourceCdcPassword.SecretFileName;
}
