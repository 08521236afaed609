using Npgsql;

namespace Strata.Tests.Source;

public sealed class SourceInitTests() : SharedServerTest("init")
{
    [Fact]
    public async Task Init_on_an_existingServer_is_idempotent_and_least_privilege()
    {
        var first = await Project.RunAsync("source", "init");
        var second = await Project.RunAsync("source", "init");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("created database t_init", first.Output, StringComparison.Ordinal);
        Assert.Contains("created publication pub_init", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("nothing changed", second.Output, StringComparison.Ordinal);

        // Tables exactly as the business database has them, REPLICA IDENTITY FULL, all published.
        var columns = await Server.ScalarAsync<string>(
            "SELECT string_agg(column_name || ' ' || data_type || coalesce('(' || character_maximum_length || ')', ''), ', ' ORDER BY ordinal_position) " +
            "FROM information_schema.columns WHERE table_schema = 'operations' AND table_name = 'products'", Project.Database);
        Assert.Equal(
            "product_id bigint, product_name character varying(500), barcode character varying(26), unity_price numeric, is_active boolean, " +
            "updated_at timestamp without time zone, updated_by bigint, created_at timestamp without time zone, created_by bigint",
            columns);
        Assert.Equal(4, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'operations' AND c.relkind = 'r' AND c.relreplident = 'f'",
            Project.Database));
        Assert.Equal(4, await Server.ScalarAsync<long>(
            "SELECT count(*) FROM pg_publication_tables WHERE pubname = 'pub_init' AND schemaname = 'operations'", Project.Database));

        var cdcPassword = File.ReadAllText(Path.Combine(Project.Directory, ".strata", "secrets", "source_cdc_password"));
        await using var cdc = await Server.OpenAsync(Project.Database, Project.CdcUser, cdcPassword);
        Assert.True(await ScalarAsync<bool>(cdc, "SELECT rolreplication AND NOT rolsuper AND NOT rolcreatedb AND NOT rolcreaterole FROM pg_roles WHERE rolname = current_user"));
        Assert.Equal(0L, await ScalarAsync<long>(cdc, "SELECT count(*) FROM operations.orders WHERE false"));

        // It cannot write to the published tables, nor create anything in the schema.
        var write = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<object>(cdc, "INSERT INTO operations.customers (customer_name) VALUES ('x')"));
        Assert.Equal("42501", write.SqlState);
        var create = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<object>(cdc, "CREATE TABLE operations.sneaky (id int)"));
        Assert.Equal("42501", create.SqlState);

        // It cannot read outside the published tables.
        await Server.ExecuteAsync("CREATE SCHEMA IF NOT EXISTS private; CREATE TABLE IF NOT EXISTS private.salaries (amount int)", Project.Database);
        var read = await Assert.ThrowsAsync<PostgresException>(() => ScalarAsync<object>(cdc, "SELECT * FROM private.salaries"));
        Assert.Equal("42501", read.SqlState);

        var doctor = await Project.RunAsync("doctor");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        Assert.DoesNotContain("✗", doctor.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Init_with_a_connection_that_carries_a_password_is_refused()
    {
        var result = await Project.RunAsync("source", "init", "--connection", "Host=127.0.0.1;Username=x;Password=oops-in-history");

        Assert.Equal(1, result.ExitCode);
        Assert.Equal(["error: --connection must not carry a password (it would land in shell history); put it in STRATA_SOURCE_PASSWORD or STRATA_SOURCE_PASSWORD_FILE"], result.ErrorLines);
        Assert.DoesNotContain("oops-in-history", result.All, StringComparison.Ordinal);
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }
}
