using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Secrets;
using Strata.Source.Connection;

namespace Strata.Source.Schema;

/// <summary>
/// Applies, idempotently, what change data capture needs on a source server: the business database and schema
/// with its tables (REPLICA IDENTITY FULL), a least-privilege CDC login and a publication of the schema.
/// </summary>
public sealed class SourceInitializer
{
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

    /// <summary>What <see cref="ApplyAsync"/> found and left for the user to decide (tables the CDC cannot follow).</summary>
    public List<string> Warnings { get; } = [];

    /// <summary>Applies everything; returns one line per change made (empty when nothing needed doing).</summary>
    public async Task<IReadOnlyList<string>> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var changes = new List<string>();
        await using (var maintenance = await _endpoint.OpenAsync(_settings.MaintenanceDatabase, cancellationToken))
        {
            await _endpoint.RequireLogicalWalAsync(maintenance, cancellationToken);
            if (!await maintenance.ExistsAsync("SELECT 1 FROM pg_database WHERE datname = $1", cancellationToken, _settings.Database))
            {
                await maintenance.ExecuteAsync($"CREATE DATABASE {Sql.Identifier(_settings.Database)}", cancellationToken);
                changes.Add($"created database {_settings.Database}");
            }
        }

        await using var connection = await _endpoint.OpenAsync(_settings.Database, cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await ApplySchemaAsync(connection, changes, cancellationToken);
            await ApplyCdcRoleAsync(connection, changes, cancellationToken);
            await ApplySlotOwnersAsync(connection, changes, cancellationToken);
            await ApplyPublicationAsync(connection, changes, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
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

        return changes;
    }

    private async Task ApplySchemaAsync(NpgsqlConnection connection, List<string> changes, CancellationToken cancellationToken)
    {
        var schema = Sql.Identifier(_settings.Schema);
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, _settings.Schema))
        {
            await connection.ExecuteAsync($"CREATE SCHEMA {schema}", cancellationToken);
            changes.Add($"created schema {_settings.Schema}");
        }

        foreach (var (table, create) in SourceTables.CreateStatements(schema))
        {
            var qualified = Sql.Qualified(_settings.Schema, table);
            if (!await connection.RelationExistsAsync(qualified, cancellationToken))
            {
                await connection.ExecuteAsync(create, cancellationToken);
                changes.Add($"created table {_settings.Schema}.{table}");
            }

            if (!await connection.ExistsAsync("SELECT 1 FROM pg_class WHERE oid = to_regclass($1) AND relreplident = 'f'", cancellationToken, qualified))
            {
                await connection.ExecuteAsync($"ALTER TABLE {qualified} REPLICA IDENTITY FULL", cancellationToken);
                changes.Add($"set REPLICA IDENTITY FULL on {_settings.Schema}.{table}");
            }
        }

        foreach (var (name, table, columns) in SourceTables.Indexes)
        {
            if (!await connection.RelationExistsAsync(Sql.Qualified(_settings.Schema, name), cancellationToken))
            {
                await connection.ExecuteAsync($"CREATE INDEX {Sql.Identifier(name)} ON {Sql.Qualified(_settings.Schema, table)} ({columns})", cancellationToken);
                changes.Add($"created index {_settings.Schema}.{name}");
            }
        }
    }

    private async Task ApplyCdcRoleAsync(NpgsqlConnection connection, List<string> changes, CancellationToken cancellationToken)
    {
        var role = Sql.Identifier(_settings.CdcUser);
        var secretName = Settings.SourceCdcPassword.SecretFileName;
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_roles WHERE rolname = $1", cancellationToken, _settings.CdcUser))
        {
            var password = _cdcPassword() ?? _secrets.GetOrCreate(secretName);
            await connection.ExecuteAsync($"CREATE ROLE {role} LOGIN REPLICATION PASSWORD {Sql.Literal(ScramVerifier.Create(password))}", cancellationToken);
            changes.Add($"created CDC login {_settings.CdcUser} (password in the secret store or {Settings.SourceCdcPassword.EnvironmentVariable})");
        }
        else
        {
            if (!await connection.ExistsAsync("SELECT 1 FROM pg_roles WHERE rolname = $1 AND rolcanlogin AND rolreplication", cancellationToken, _settings.CdcUser))
            {
                await connection.ExecuteAsync($"ALTER ROLE {role} LOGIN REPLICATION", cancellationToken);
                changes.Add($"gave {_settings.CdcUser} LOGIN and REPLICATION");
            }

            if (_cdcPassword() is null)
            {
                // The role exists but nobody told us its password: give it a new one we keep.
                var password = _secrets.GetOrCreate(secretName);
                await connection.ExecuteAsync($"ALTER ROLE {role} PASSWORD {Sql.Literal(ScramVerifier.Create(password))}", cancellationToken);
                changes.Add($"set a new password for {_settings.CdcUser} (kept in the secret store)");
            }
        }

        var database = Sql.Identifier(_settings.Database);
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_database d, aclexplode(d.datacl) a JOIN pg_roles r ON r.oid = a.grantee WHERE d.datname = $1 AND r.rolname = $2 AND a.privilege_type = 'CONNECT'", cancellationToken, _settings.Database, _settings.CdcUser))
        {
            await connection.ExecuteAsync($"GRANT CONNECT ON DATABASE {database} TO {role}", cancellationToken);
            changes.Add($"granted CONNECT on {_settings.Database} to {_settings.CdcUser}");
        }

        if (!await connection.ExistsAsync("SELECT 1 WHERE has_schema_privilege($2, $1, 'USAGE')", cancellationToken, _settings.Schema, _settings.CdcUser))
        {
            await connection.ExecuteAsync($"GRANT USAGE ON SCHEMA {Sql.Identifier(_settings.Schema)} TO {role}", cancellationToken);
            changes.Add($"granted USAGE on schema {_settings.Schema} to {_settings.CdcUser}");
        }

        foreach (var table in SourceTables.Names)
        {
            var qualified = Sql.Qualified(_settings.Schema, table);
            if (!await connection.ExistsAsync("SELECT 1 WHERE has_table_privilege($2, $1, 'SELECT')", cancellationToken, qualified, _settings.CdcUser))
            {
                await connection.ExecuteAsync($"GRANT SELECT ON {qualified} TO {role}", cancellationToken);
                changes.Add($"granted SELECT on {_settings.Schema}.{table} to {_settings.CdcUser}");
            }
        }

        // Tables added to the schema later are published too (FOR TABLES IN SCHEMA), so the CDC login may read them.
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_default_acl d JOIN pg_namespace n ON n.oid = d.defaclnamespace, aclexplode(d.defaclacl) a JOIN pg_roles r ON r.oid = a.grantee " +
            "WHERE n.nspname = $1 AND r.rolname = $2 AND d.defaclrole = (SELECT oid FROM pg_roles WHERE rolname = current_user) AND a.privilege_type = 'SELECT'", cancellationToken, _settings.Schema, _settings.CdcUser))
        {
            await connection.ExecuteAsync($"ALTER DEFAULT PRIVILEGES IN SCHEMA {Sql.Identifier(_settings.Schema)} GRANT SELECT ON TABLES TO {role}", cancellationToken);
            changes.Add($"granted SELECT on future tables of {_settings.Schema} to {_settings.CdcUser}");
        }
    }

    private async Task ApplySlotOwnersAsync(NpgsqlConnection connection, List<string> changes, CancellationToken cancellationToken)
    {
        var role = Sql.Identifier(_settings.CdcUser);
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_namespace WHERE nspname = $1", cancellationToken, SlotOwnersTable.Schema))
        {
            await connection.ExecuteAsync($"CREATE SCHEMA {SlotOwnersTable.Schema}", cancellationToken);
        }

        if (!await connection.RelationExistsAsync(SlotOwnersTable.Qualified, cancellationToken))
        {
            await connection.ExecuteAsync(SlotOwnersTable.Create, cancellationToken);
            changes.Add($"created {SlotOwnersTable.Qualified} (which warehouse owns each replication slot)");
        }

        if (!await connection.ExistsAsync(
            "SELECT 1 WHERE has_schema_privilege($2, $3, 'USAGE') AND has_table_privilege($2, $1, 'SELECT') AND has_table_privilege($2, $1, 'INSERT') AND has_table_privilege($2, $1, 'UPDATE')",
            cancellationToken, SlotOwnersTable.Qualified, _settings.CdcUser, SlotOwnersTable.Schema))
        {
            await connection.ExecuteAsync($"GRANT USAGE ON SCHEMA {SlotOwnersTable.Schema} TO {role}", cancellationToken);
            await connection.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE ON {SlotOwnersTable.Qualified} TO {role}", cancellationToken);
            changes.Add($"let {_settings.CdcUser} record slot owners in {SlotOwnersTable.Qualified}");
        }
    }

    private async Task ApplyPublicationAsync(NpgsqlConnection connection, List<string> changes, CancellationToken cancellationToken)
    {
        var publication = Sql.Identifier(_settings.Publication);
        if (!await connection.ExistsAsync("SELECT 1 FROM pg_publication WHERE pubname = $1", cancellationToken, _settings.Publication))
        {
            await connection.ExecuteAsync($"CREATE PUBLICATION {publication} FOR TABLES IN SCHEMA {Sql.Identifier(_settings.Schema)}", cancellationToken);
            changes.Add($"created publication {_settings.Publication} for the tables of schema {_settings.Schema}");
            return;
        }

        foreach (var table in SourceTables.Names)
        {
            if (!await connection.ExistsAsync("SELECT 1 FROM pg_publication_tables WHERE pubname = $1 AND schemaname = $2 AND tablename = $3", cancellationToken, _settings.Publication, _settings.Schema, table))
            {
                await connection.ExecuteAsync($"ALTER PUBLICATION {publication} ADD TABLE {Sql.Qualified(_settings.Schema, table)}", cancellationToken);
                changes.Add($"added {_settings.Schema}.{table} to publication {_settings.Publication}");
            }
        }
    }
}
