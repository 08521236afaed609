using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Strata.Testing;

namespace Strata.Tests.Source;

/// <summary>The local development cluster end to end, run with known passwords that must never be shown.</summary>
public sealed class LocalSourceTests : IDisposable
{
    private const string AdminPassword = "Known-Admin-Password-7f3a";
    private const string CdcPassword = "Known-Cdc-Password-91bc";
    private readonly TestProject _project = TestProject.Empty();
    private readonly StringBuilder _everything = new();

    public LocalSourceTests()
    {
        _project.Environment["STRATA_SOURCE_PASSWORD"] = AdminPassword;
        _project.Environment["STRATA_SOURCE_CDC_PASSWORD"] = CdcPassword;
        _project.Environment["STRATA_DASHBOARD_PORT"] = "0";
    }

    public void Dispose()
    {
        // Whatever happened, do not leave a server running.
        _project.RunAsync("source", "down", "--purge").GetAwaiter().GetResult();
        _project.Dispose();
    }

    [Fact]
    public async Task Source_up_creates_starts_inits_and_seeds_then_changes_nothing_and_says_so()
    {
        var first = await RunAsync("source", "up");
        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.Contains("Created a PostgreSQL cluster", first.Output, StringComparison.Ordinal);
        Assert.Contains("Loaded the initial data: 5 customers, 30 products, 10 orders, 250 order_items", first.Output, StringComparison.Ordinal);

        var second = await RunAsync("source", "up");
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("already up", second.Output, StringComparison.Ordinal);
        Assert.Contains("nothing changed", second.Output, StringComparison.Ordinal);

        var doctor = await RunAsync("doctor", "--json");
        Assert.True(doctor.ExitCode == 0, doctor.ToString());
        using (var json = JsonDocument.Parse(doctor.Output))
        {
            Assert.True(json.RootElement.GetProperty("healthy").GetBoolean());
            Assert.Equal(9, json.RootElement.GetProperty("checks").GetArrayLength());
        }

        var status = await RunAsync("source", "status", "--json");
        int port;
        using (var json = JsonDocument.Parse(status.Output))
        {
            Assert.True(json.RootElement.GetProperty("running").GetBoolean());
            Assert.Equal("logical", json.RootElement.GetProperty("wal_level").GetString());
            Assert.Equal(250, json.RootElement.GetProperty("row_counts").GetProperty("order_items").GetInt64());
            port = int.Parse(json.RootElement.GetProperty("address").GetString()!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        }

        // The rest of the commands, so that every one of them runs with the known passwords.
        Assert.Equal(0, (await RunAsync("source", "init")).ExitCode);
        Assert.Equal(0, (await RunAsync("source", "seed", "--orders", "20")).ExitCode);
        Assert.Equal(0, (await RunAsync("source", "simulate", "--speed", "500", "--duration", "2s")).ExitCode);
        Assert.Equal(0, (await RunAsync("config", "show")).ExitCode);
        Assert.Equal(0, (await RunAsync("config", "show", "--json")).ExitCode);
        using (var stop = new CancellationTokenSource(TimeSpan.FromSeconds(8)))
        {
            var up = await RunAsync(stop.Token, "up", "--speed", "100");
            Assert.True(up.ExitCode == 0, up.ToString());
            Assert.Contains("Strata is up: the live workload at ×100", up.Output, StringComparison.Ordinal);
            Assert.Contains("Stopped after", up.Output, StringComparison.Ordinal);
        }

        var down = await RunAsync("source", "down");
        Assert.Equal(0, down.ExitCode);
        Assert.Contains("Stopped the local source", down.Output, StringComparison.Ordinal);
        var stopped = await RunAsync("source", "status");
        Assert.Contains("stopped; run `strata source up`", stopped.Output, StringComparison.Ordinal);
        var doctorDown = await RunAsync("doctor");
        Assert.True(doctorDown.ExitCode == 1, doctorDown.ToString());

        // The remembered port is reused; when another program holds it, the message says what to do.
        using (var squatter = new TcpListener(IPAddress.Loopback, port))
        {
            squatter.Start();
            var blocked = await RunAsync("source", "up");
            Assert.Equal(1, blocked.ExitCode);
            Assert.Single(blocked.ErrorLines);
            Assert.Contains($"port {port}, remembered for the local source", blocked.Error, StringComparison.Ordinal);
            Assert.Contains("`strata source up --port 0`", blocked.Error, StringComparison.Ordinal);
        }

        var restarted = await RunAsync("source", "up");
        Assert.Equal(0, restarted.ExitCode);
        Assert.Contains($"Started the local source on 127.0.0.1:{port}", restarted.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Loaded the initial data", restarted.Output, StringComparison.Ordinal);

        var purge = await RunAsync("source", "down", "--purge");
        Assert.Contains("Stopped and deleted", purge.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_project.Directory, ".strata", "source")));

        var errors = await RunAsync("source", "seed", "--debug");
        Assert.Equal(1, errors.ExitCode);

        Assert.DoesNotContain(AdminPassword, _everything.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(CdcPassword, _everything.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_file_outside_the_secret_store_holds_a_password()
    {
        Assert.Equal(0, (await RunAsync("source", "up")).ExitCode);
        Assert.Equal(0, (await RunAsync("source", "simulate", "--speed", "500", "--duration", "1s")).ExitCode);
        Assert.Equal(0, (await RunAsync("source", "down")).ExitCode);

        var state = Path.Combine(_project.Directory, ".strata");
        var secrets = Path.Combine(state, "secrets");
        var offenders = Directory.EnumerateFiles(state, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(secrets, StringComparison.Ordinal))
            .Where(f => Contains(f, AdminPassword) || Contains(f, CdcPassword))
            .ToList();
        Assert.Empty(offenders);
        Assert.Equal(AdminPassword, File.ReadAllText(Path.Combine(secrets, "source_password")));
    }

    [Fact]
    public async Task The_servers_environment_holds_no_secret_and_the_state_is_owner_only()
    {
        const string Canary = "Canary-Smtp-Password-5d2e";
        _project.Environment["STRATA_SMTP_PASSWORD"] = Canary;
        _project.Environment["PGPASSWORD"] = Canary;
        // A child process, so that the variables are really in the environment the server programs inherit.
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using (var up = CliProcess.Start(_project, lines, "source", "up"))
        {
            await up.WaitForExitAsync();
            Assert.True(up.ExitCode == 0, string.Join(" / ", lines));
        }

        var status = await RunAsync("source", "status", "--json");
        using var json = JsonDocument.Parse(status.Output);
        var port = int.Parse(json.RootElement.GetProperty("address").GetString()!.Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
        await using var connection = new Npgsql.NpgsqlConnection($"Host=127.0.0.1;Port={port};Username=strata_admin;Password={AdminPassword};Database=postgres;Pooling=false");
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT pg_backend_pid()", connection);
        var backend = (int)(await command.ExecuteScalarAsync())!;
        // The postmaster is the backend's parent (a backend overwrites its own environ area with its process title).
        var postmaster = (await File.ReadAllTextAsync($"/proc/{backend}/stat")).Split(") ")[1].Split(' ')[1];
        var environment = await File.ReadAllTextAsync($"/proc/{postmaster}/environ");
        Assert.Contains("LC_ALL=C", environment, StringComparison.Ordinal);
        foreach (var secret in new[] { AdminPassword, CdcPassword, Canary })
        {
            Assert.DoesNotContain(secret, environment, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("STRATA_", environment, StringComparison.Ordinal);
        Assert.Equal(0, (await RunAsync("ingest", "--once")).ExitCode);
        var state = Path.Combine(_project.Directory, ".strata");
        Assert.Equal(Strata.Files.OwnerOnly.Directory, File.GetUnixFileMode(state));
        Assert.Equal(Strata.Files.OwnerOnly.File, File.GetUnixFileMode(Path.Combine(state, "warehouse.duckdb")));
        Assert.Empty(Directory.EnumerateFiles(state, ".pwfile", SearchOption.AllDirectories));
    }

    private static bool Contains(string file, string text)
    {
        var bytes = File.ReadAllBytes(file);
        return bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }

    private Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    private async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        var result = await _project.RunAsync(cancellationToken, args);
        _everything.Append(result.All);
        return result;
    }
}
