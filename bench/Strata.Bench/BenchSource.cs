using System.Collections;
using Npgsql;
using Strata.Configuration;
using Strata.Output;
using Strata.Source;

namespace Strata.Bench;

/// <summary>The benchmarks' source: a local cluster (durable defaults, as the dev source) under <c>bench/work/</c>.</summary>
internal sealed class BenchSource
{
    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;

    private BenchSource(SourceService service, string connectionString, string directory, Dictionary<string, string> environment)
    {
        Service = service;
        ConnectionString = connectionString;
        _directory = directory;
        _environment = environment;
    }

    /// <summary>The bench project's configuration with some settings overridden (as STRATA_* variables).</summary>
    public StrataConfig Config(params (string Variable, string Value)[] overrides)
    {
        var environment = new Dictionary<string, string>(_environment, StringComparer.Ordinal);
        foreach (var (variable, value) in overrides)
        {
            environment[variable] = value;
        }

        return ConfigLoader.Load(_directory, environment);
    }

    /// <summary>The bench project folder.</summary>
    public string Directory => _directory;

    public SourceService Service { get; }

    public string ConnectionString { get; }

    public static async Task<BenchSource> UpAsync(string directory)
    {
        System.IO.Directory.CreateDirectory(directory);
        var environment = Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        var config = ConfigLoader.Load(directory, environment);
        var service = new SourceService(config, NullConsole.Instance);
        var up = await service.UpAsync();
        Console.Error.WriteLine($"bench source on {up.Address} ({(up.Created ? "created" : "reused")})");
        return new BenchSource(service, service.Endpoint().ConnectionString(service.Settings.Database, "strata bench"), directory, environment);
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
