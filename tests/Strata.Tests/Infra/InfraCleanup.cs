using Strata.Testing;

namespace Strata.Tests.Infra;

/// <summary>Roles are server-wide: what an infra test made goes with its warehouse database when the test ends.</summary>
internal static class InfraCleanup
{
    public static async Task DropAsync(PostgresServer server, string rolePrefix, string warehouse, string source)
    {
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {warehouse} WITH (FORCE)");
        var roles = new List<string>();
        await using var connection = await server.OpenAsync();
        await using (var command = new Npgsql.NpgsqlCommand("SELECT rolname FROM pg_roles WHERE starts_with(rolname, $1)", connection) { Parameters = { new() { Value = rolePrefix } } })
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                roles.Add(reader.GetString(0));
            }
        }

        // What a role still holds elsewhere (a grant on the source database, the CONNECT privilege) goes with DROP OWNED
        // in the databases the test used. Only those: another test may be dropping its own database WITH (FORCE)
        // right now, which ends every connection to it — a cleanup visiting all databases was caught by that.
        string[] databases = [source, "postgres"];
        foreach (var role in roles)
        {
            foreach (var database in databases)
            {
                try
                {
                    await server.ExecuteAsync($"DROP OWNED BY \"{role}\"", database);
                }
                catch (Npgsql.PostgresException ex) when (ex.SqlState == "3D000")
                {
                    // The source database is gone already: nothing of ours is left in it.
                }
            }

            await server.ExecuteAsync($"DROP ROLE \"{role}\"");
        }
    }
}
