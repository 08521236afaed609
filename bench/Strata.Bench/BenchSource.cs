using System.Collections;
using Npgsql;
using Strata.Configuration;
using Strata.Output;
using Strata.Source;

namespace Strata.Bench;

/// <summary>The benchmarks' source: a local cluster (durable defaults, as the dev source) under <c>bench/work/</c>.</summary>
internal sealed class BenchSource
{
    private BenchSource(SourceService service, string connectionString)
    {
        Service = service;
        ConnectionString = connectionString;
    }

    public SourceService Service { get; }

    public string ConnectionString { get; }

    public static async Task<BenchSource> UpAsync(string directory)
    {
        Directory.CreateDirectory(directory);
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var config = ConfigLoader.Load(directory, environment);
        var service = new SourceService(config, NullConsole.Instance);
        var up = await service.UpAsync();
        Console.Error.WriteLine($"bench source on {up.Address} ({(up.Created ? "created" : "reused")})");
        return new BenchSource(service, service.Endpoint().ConnectionString(service.Settings.Database, "strata bench"));
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
