using Npgsql;
using Strata.Configuration;
using Strata.Errors;
using Strata.Source.Connection;
using Strata.Source.Local;
using Strata.Source.Schema;

namespace Strata.Source.Diagnostics;

/// <summary>Checks everything change data capture needs, each with the fix when it fails.</summary>
public sealed class Doctor
{
    private readonly StrataConfig _config;
    private readonly SourceSettings _settings;

    /// <summary>Creates a doctor for the configured project.</summary>
    public Doctor(StrataConfig config)
    {
        _config = config;
        _settings = SourceSettings.From(config);
    }

    /// <summary>Runs every check; a check that cannot run because an earlier one failed says so.</summary>
    public async Task<IReadOnlyList<DoctorCheck>> RunAsync(CancellationToken cancellationToken = default)
    {
        var checks = new List<DoctorCheck>();
        if (_settings.IsLocal)
        {
            checks.Add(await CheckBinariesAsync(cancellationToken));
        }

        checks.Add(CheckStateWritable());

        SourceEndpoint? endpoint = null;
        NpgsqlConnection? connection = null;
        try
        {
            endpoint = SourceEndpoint.From(_config, _settings);
            connection = await endpoint.OpenAsync(_settings.Database, cancellationToken);
            checks.Add(new DoctorCheck("Source connection", true, $"{endpoint.User}@{endpoint.Address}/{_settings.Database}"));
        }
        catch (SourceException ex)
        {
            checks.Add(new DoctorCheck("Source connection", false, ex.Message,
                _settings.IsLocal ? "run `strata source up`" : "check source.* settings and STRATA_SOURCE_PASSWORD, then `strata source init`"));
            return checks;
        }

        await using (connection)
        {
            checks.Add(await CheckWalLevelAsync(connection, cancellationToken));
            checks.Add(await CheckReplicationCapacityAsync(connection, cancellationToken));
            checks.Add(await CheckCdcRoleAsync(connection, endpoint, cancellationToken));
            checks.Add(await CheckPublicationAsync(connection, cancellationToken));
            checks.Add(await CheckFollowableAsync(connection, cancellationToken));
            checks.Add(await CheckReadableWholeAsync(connection, cancellationToken));
        }

        return checks;
    }

    private async Task<DoctorCheck> CheckBinariesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var binaries = await PostgresBinaries.FindAsync(_settings.BinDirectory, cancellationToken);
            return new DoctorCheck("PostgreSQL server programs", true, $"PostgreSQL {binaries.Version} in {binaries.Directory}");
        }
        catch (MissingBinaryException ex)
        {
            return new DoctorCheck("PostgreSQL server programs", false, "not found", ex.Message);
        }
    }

    private DoctorCheck CheckStateWritable()
    {
        var probe = Path.Combine(_config.StateDirectory, $".doctor-{Environment.ProcessId}");
        try
        {
            Files.OwnerOnly.CreateDirectory(_config.StateDirectory);
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return new DoctorCheck(".strata/ writable", true, _config.StateDirectory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new DoctorCheck(".strata/ writable", false, ex.Message, $"make {_config.StateDirectory} writable for this user");
        }
    }

    private static async Task<DoctorCheck> CheckWalLevelAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var level = await connection.ScalarAsync<string>("SHOW wal_level", cancellationToken);
        return level == "logical"
            ? new DoctorCheck("wal_level", true, "logical")
            : new DoctorCheck("wal_level", false, level ?? "unknown", "ALTER SYSTEM SET wal_level = logical; then restart the server");
    }

    private static async Task<DoctorCheck> CheckReplicationCapacityAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var slots = int.Parse((await connection.ScalarAsync<string>("SHOW max_replication_slots", cancellationToken))!, System.Globalization.CultureInfo.InvariantCulture);
        var senders = int.Parse((await connection.ScalarAsync<string>("SHOW max_wal_senders", cancellationToken))!, System.Globalization.CultureInfo.InvariantCulture);
        var used = await connection.ScalarAsync<long>("SELECT count(*) FROM pg_replication_slots", cancellationToken);
        var detail = $"max_replication_slots {slots} ({used} used), max_wal_senders {senders}";
        return slots > used && senders > 0
            ? new DoctorCheck("Replication slots and senders", true, detail)
            : new DoctorCheck("Replication slots and senders", false, detail,
                "ALTER SYSTEM SET max_replication_slots = 10; ALTER SYSTEM SET max_wal_senders = 10; then restart (or drop unused slots)");
    }

    private async Task<DoctorCheck> CheckCdcRoleAsync(NpgsqlConnection connection, SourceEndpoint endpoint, CancellationToken cancellationToken)
    {
        const string name = "CDC login privileges";
        var fix = "run `strata source init`";
        var attributes = await connection.ScalarAsync<string>("SELECT concat_ws(',', CASE WHEN rolcanlogin THEN 'login' END, CASE WHEN rolreplication THEN 'replication' END, CASE WHEN rolsuper THEN 'superuser' END) FROM pg_roles WHERE rolname = $1",
            cancellationToken, _settings.CdcUser);
        if (attributes is null)
        {
            return new DoctorCheck(name, false, $"login {_settings.CdcUser} does not exist", fix);
        }

        if (attributes.Contains("superuser", StringComparison.Ordinal) || !attributes.Contains("login", StringComparison.Ordinal) || !attributes.Contains("replication", StringComparison.Ordinal))
        {
            return new DoctorCheck(name, false, $"{_settings.CdcUser} has [{attributes}], needs exactly login and replication", fix + " (and ALTER ROLE … NOSUPERUSER)");
        }

        foreach (var table in SourceTables.Names)
        {
            var qualified = Sql.Qualified(_settings.Schema, table);
            var privileges = await connection.ScalarAsync<string>("SELECT concat_ws(',', CASE WHEN has_table_privilege($1, $2, 'SELECT') THEN 'select' END, " +
                "CASE WHEN has_table_privilege($1, $2, 'INSERT,UPDATE,DELETE,TRUNCATE') THEN 'write' END) WHERE to_regclass($2) IS NOT NULL",
                cancellationToken, _settings.CdcUser, qualified);
            if (privileges != "select")
            {
                return new DoctorCheck(name, false, $"{_settings.CdcUser} on {_settings.Schema}.{table}: [{privileges ?? "table missing"}], needs read only", fix);
            }
        }

        try
        {
            var cdc = endpoint.As(_settings.CdcUser, _config.Secret(Settings.SourceCdcPassword), Settings.SourceCdcPassword);
            await using var login = await cdc.OpenAsync(_settings.Database, cancellationToken);
        }
        catch (SourceException ex)
        {
            return new DoctorCheck(name, false, ex.Message,
                $"set {Settings.SourceCdcPassword.EnvironmentVariable} to its password, or run `strata source init` to give it a new one");
        }

        return new DoctorCheck(name, true, $"{_settings.CdcUser}: login, replication, SELECT on the {SourceTables.Names.Count} tables, nothing more");
    }

    private async Task<DoctorCheck> CheckFollowableAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var tables = await UnfollowableTables.ReadAsync(connection, _settings.Publication, cancellationToken);
        return tables.Count == 0
            ? new DoctorCheck("Published tables can be updated", true, "every published table has a primary key or a replica identity")
            : new DoctorCheck("Published tables can be updated", false,
                $"{string.Join(", ", tables)}: no primary key or replica identity; the source refuses their UPDATE and DELETE", UnfollowableTables.Fix);
    }

    /// <summary>
    /// Published tables with row-level security the CDC login is subject to: their snapshot would miss the rows the
    /// policies hide, so ingestion refuses to copy them (it reads with row security off).
    /// </summary>
    private async Task<DoctorCheck> CheckReadableWholeAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        const string name = "Published tables readable in full";
        var policed = await connection.ScalarAsync<string>(
            "SELECT string_agg(format('%I.%I', t.schemaname, t.tablename), ', ' ORDER BY t.schemaname, t.tablename) " +
            "FROM pg_publication_tables t JOIN pg_class c ON c.oid = format('%I.%I', t.schemaname, t.tablename)::regclass JOIN pg_roles r ON r.rolname = $2 " +
            "WHERE t.pubname = $1 AND c.relrowsecurity AND NOT r.rolsuper AND NOT r.rolbypassrls " +
            "AND (c.relforcerowsecurity OR NOT pg_has_role(r.oid, c.relowner, 'USAGE'))",
            cancellationToken, _settings.Publication, _settings.CdcUser);
        return policed is null
            ? new DoctorCheck(name, true, $"no published table has row-level security that {_settings.CdcUser} is subject to")
            : new DoctorCheck(name, false, $"{policed}: row-level security hides rows from {_settings.CdcUser}; their snapshot is refused (it would miss those rows)",
                $"as a superuser: ALTER ROLE {_settings.CdcUser} BYPASSRLS");
    }

    private async Task<DoctorCheck> CheckPublicationAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        var published = await connection.ScalarAsync<long?>("SELECT count(*) FILTER (WHERE t.tablename IS NOT NULL) FROM pg_publication p LEFT JOIN pg_publication_tables t " +
            "ON t.pubname = p.pubname AND t.schemaname = $2 AND t.tablename = ANY($3) WHERE p.pubname = $1 GROUP BY p.pubname",
            cancellationToken, _settings.Publication, _settings.Schema, SourceTables.Names.ToArray());
        return published switch
        {
            null => new DoctorCheck("Publication", false, $"{_settings.Publication} does not exist", "run `strata source init`"),
            var n when n < SourceTables.Names.Count => new DoctorCheck("Publication", false,
                $"{_settings.Publication} publishes {n} of the {SourceTables.Names.Count} tables", "run `strata source init`"),
            _ => new DoctorCheck("Publication", true, $"{_settings.Publication} publishes {_settings.Schema}.{string.Join(", ", SourceTables.Names)}"),
        };
    }
}
