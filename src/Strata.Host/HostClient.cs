using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Strata.Configuration;
using Strata.Errors;

namespace Strata.Host;

/// <summary>
/// The CLI's way to a running <c>strata up</c>: DuckDB lets one process write the warehouse, so while the host owns
/// it, <c>status</c>, <c>ingest status</c>, <c>reconcile</c> and <c>report run</c> ask the host's API instead.
/// </summary>
public sealed class HostClient : IDisposable
{
    /// <summary>How the API writes and reads JSON.</summary>
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    private readonly HttpClient _http;

    private HostClient(HostInfo host, string? token, TimeSpan timeout)
    {
        Host = host;
        _http = new HttpClient { BaseAddress = new Uri(host.Url), Timeout = timeout };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    /// <summary>The host this client talks to.</summary>
    public HostInfo Host { get; }

    /// <summary>The running host of this project, or null when none is running (a host file left by a killed process does not count).</summary>
    public static HostClient? Find(StrataConfig config, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var host = HostFile.Read(config);
        return host is null || !IsAlive(host.ProcessId) ? null : new HostClient(host, config.Secret(Settings.DashboardToken), timeout ?? TimeSpan.FromSeconds(30));
    }

    /// <summary>The running host when it owns the warehouse (DuckDB's single writer): the commands that read the warehouse must go through it.</summary>
    public static HostClient? OwningWarehouse(StrataConfig config, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return Platform.Warehouses.Provider(config).SingleProcess ? Find(config, timeout) : null;
    }

    /// <summary>The <c>?table=…&amp;table=…</c> query the host's table-taking endpoints read; empty for none.</summary>
    public static string TableQuery(IEnumerable<string> tables)
    {
        var parameters = string.Join("&", tables.Select(t => "table=" + Uri.EscapeDataString(t)));
        return parameters.Length == 0 ? "" : "?" + parameters;
    }

    /// <summary>GETs and deserialises <paramref name="path"/>.</summary>
    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        return await ReadAsync<T>(response, path, cancellationToken);
    }

    /// <summary>POSTs to <paramref name="path"/> and deserialises the answer.</summary>
    public async Task<T> PostAsync<T>(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, path, cancellationToken);
        return await ReadAsync<T>(response, path, cancellationToken);
    }

    /// <summary>GETs <paramref name="path"/> as text.</summary>
    public async Task<string> GetStringAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    /// <summary>Downloads a file: its bytes and the name the host gave it.</summary>
    public async Task<(byte[] Bytes, string FileName)> DownloadAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, path, cancellationToken);
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"')
            ?? throw new StrataException($"strata up at {Host.Url} answered {path} without a file name");
        return (await response.Content.ReadAsByteArrayAsync(cancellationToken), Path.GetFileName(name));
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
            response = await _http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new UsageException($"strata up (pid {Host.ProcessId}) does not answer at {Host.Url} ({ex.Message}); it may have stopped — start it again");
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StrataException($"strata up (pid {Host.ProcessId}) at {Host.Url} did not answer {path} within {_http.Timeout.TotalSeconds:0} s", ex);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var message = (await response.Content.ReadAsStringAsync(cancellationToken)).Trim();
        response.Dispose();
        throw response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => new ConfigurationException($"strata up at {Host.Url} wants its token: set the dashboard.token secret (STRATA_DASHBOARD_TOKEN) for this command too"),
            HttpStatusCode.NotFound or HttpStatusCode.BadRequest => new UsageException(message.Length > 0 ? message : $"strata up at {Host.Url} does not know {path}"),
            _ => new StrataException($"strata up at {Host.Url} failed to answer {path} ({(int)response.StatusCode}): {message}"),
        };
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, string path, CancellationToken cancellationToken) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new StrataException($"strata up at {Host.Url} answered {path} with nothing");

    private static bool IsAlive(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
