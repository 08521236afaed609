using Npgsql;
using Strata.Infra.Catalog;
using Strata.Infra.Declaration;
using Strata.Secrets;
using Strata.Source.Connection;
using Strata.Source.Schema;
using Strata.Warehouse.Metadata;

namespace Strata.Infra.Postgres;

/// <summary>
/// The warehouse half of a plan on PostgreSQL: reads the catalog as the admin login, diffs it against
/// <see cref="PostgresDesiredState"/>, and applies exactly the changes it planned, in one transaction.
/// </summary>
/// <param name="endpoint">The warehouse's server as the admin login.</param>
/// <param name="database">The warehouse database.</param>
/// <param name="declaration">The warehouse section of infra.yml.</param>
/// <param name="secrets">Where the logins' passwords are kept.</param>
/// <param name="ensureMetadata">Creates or migrates the <c>_strata</c> schema through the warehouse adapter, as the admin login.</param>
/// <param name="sharesSourceDatabase">The warehouse database is (or may be) the source's: PUBLIC's privileges there are left alone.</param>
internal sealed class PostgresWarehousePlanner(
    SourceEndpoint endpoint, string database, WarehouseDeclaration declaration, SecretStore secrets, Func<CancellationToken, Task> ensureMetadata, bool sharesSourceDatabase)
{
    public const string Part = "warehouse";
    private const string MaintenanceDatabase = "postgres";

    /// <summary>What the last plan found worth saying that is not a change.</summary>
    public List<string> Notes { get; } = [];

    /// <summary>For errors: <c>warehouse host:port/database as 'login'</c>.</summary>
    public string Where => $"warehouse {endpoint.Address}/{database} as '{endpoint.User}'";

    public async Task<IReadOnlyList<PlannedChange>> PlanAsync(bool prune, CancellationToken cancellationToken)
    {
        var changes = new List<PlannedChange>();
        PostgresCatalog live;
        long? metadataVersion = null;
        await using (var maintenance = await endpoint.OpenAsync(MaintenanceDatabase, cancellationToken))
        {
            if (!await maintenance.ExistsAsync("SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, database))
            {
                changes.Add(new PlannedChange(Part, ChangeAction.Create, $"database {database}", $"created database {database}",
                    [$"CREATE DATABASE {Sql.Identifier(database)}"], MaintenanceDatabase));
                var admins = await new PostgresCatalogReader(maintenance).ReadAsync([], [], cancellationToken);
                live = admins with { State = CatalogState.Empty };
            }
            else
            {
                await using var connection = await endpoint.OpenAsync(database, cancellationToken);
                live = await new PostgresCatalogReader(connection).ReadAsync(
                    PostgresDesiredState.Parts(declaration).Select(declaration.RoleOf).ToList(), PostgresDesiredState.Schemas(declaration), cancellationToken);
                var versionTable = Sql.Qualified(StrataSchema.Name, MetadataAccess.SchemaVersionTable);
                if (await connection.RelationExistsAsync(versionTable, cancellationToken))
                {
                    metadataVersion = await connection.ScalarAsync<long?>($"SELECT max(version) FROM {versionTable}", cancellationToken);
                }
            }
        }

        live = live with { State = live.State with { Objects = [.. live.State.Objects.Select(WithPasswordKnown)] } };

        // Missing tables, or an older Strata's version: the parts' logins may not migrate, so the admin does it here.
        if (metadataVersion is null || metadataVersion < StrataSchema.Version
            || MetadataAccess.Tables.Any(t => live.State.Objects.All(o => o.Key != (ObjectKinds.Table, $"{StrataSchema.Name}.{t}"))))
        {
            changes.Add(new PlannedChange(Part, ChangeAction.Create, $"schema {StrataSchema.Name} and Strata's metadata tables (version {StrataSchema.Version})",
                $"created {StrataSchema.Name} and Strata's metadata tables", [], database) { Run = ensureMetadata });
        }

        var dialect = new PostgresDialect(role => secrets.GetOrCreate(SecretOf(role)));
        var open = live.State.Grants.Where(g => g.Grantee == CatalogGrant.Public && g.ObjectKind == ObjectKinds.Database).Select(g => g.Privilege).Order(StringComparer.Ordinal).ToList();
        if (!prune && !sharesSourceDatabase && open.Count > 0)
        {
            Notes.Add($"warehouse: PUBLIC (every login on {endpoint.Address}) has {string.Join(" and ", open)} on database {database}; `strata infra apply --prune` revokes it");
        }

        foreach (var change in CatalogDiff.Compute(PostgresDesiredState.Build(declaration, database, live, sharesSourceDatabase), live.State, prune))
        {
            changes.Add(new PlannedChange(Part, change.Action, change.Subject, change.Done, dialect.Statements(change), database)
            {
                LocalOnly = change.Differences is { Count: 1 } differences && differences.ContainsKey("password"),
            });
        }

        return changes;
    }

    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<PlannedChange> changes, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var change in changes.Where(c => c.Database == MaintenanceDatabase))
            {
                await using var maintenance = await endpoint.OpenAsync(MaintenanceDatabase, cancellationToken);
                await maintenance.ExecuteAsync(change, cancellationToken);
            }

            foreach (var change in changes.Where(c => c.Run is not null))
            {
                await change.Run!(cancellationToken);
            }

            await using var connection = await endpoint.OpenAsync(database, cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            foreach (var change in changes.Where(c => c.Database != MaintenanceDatabase && c.Run is null))
            {
                await connection.ExecuteAsync(change, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (PostgresException ex) when (ex.SqlState == "42501")
        {
            throw new InfraException(
                $"login '{endpoint.User}' on {endpoint.Address} lacks a privilege infra apply needs ({ex.MessageText}); " +
                "run it as a superuser (set warehouse.user), or as a role with CREATEROLE that is a member of the part roles", ex);
        }

        return changes.Select(c => c.Done).ToList();
    }


    /// <summary>A login's password counts as set only when the secret store holds it: otherwise no part could connect as it.</summary>
    private CatalogObject WithPasswordKnown(CatalogObject found) =>
        found.Kind == ObjectKinds.Role && secrets.Read(SecretOf(found.Name)) is { Length: > 0 }
            ? found with { Attributes = new Dictionary<string, string>(found.Attributes) { ["password"] = PostgresDesiredState.PasswordKept } }
            : found;

    private string SecretOf(string role) =>
        WarehouseParts.SecretName(PostgresDesiredState.Parts(declaration).FirstOrDefault(p => declaration.RoleOf(p) == role) ?? role);
}
