using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>One request as the fake SQL API received it.</summary>
public sealed record FakeRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, IReadOnlyDictionary<string, string> Headers, JsonElement? Body, CancellationToken Aborted)
{
    /// <summary>The <c>requestId</c> query parameter.</summary>
    public string? RequestId => Query.GetValueOrDefault("requestId");

    /// <summary>Whether it says <c>retry=true</c>.</summary>
    public bool IsRetry => Query.GetValueOrDefault("retry") == "true";

    /// <summary>The submitted SQL, for a submission.</summary>
    public string? Statement => Body?.GetProperty("statement").GetString();

    /// <summary>A submission (<c>POST /api/v2/statements</c>).</summary>
    public bool IsSubmit => Method == "POST" && Path == "/api/v2/statements";

    /// <summary>A status check or partition fetch of <paramref name="handle"/>.</summary>
    public bool IsGetOf(string handle) => Method == "GET" && Path == $"/api/v2/statements/{handle}";

    /// <summary>A cancel of <paramref name="handle"/>.</summary>
    public bool IsCancelOf(string handle) => Method == "POST" && Path == $"/api/v2/statements/{handle}/cancel";
}

/// <summary>What the fake answers: a status and a JSON body, or a dropped connection (nothing comes back).</summary>
public sealed record FakeAnswer(int Status, string? Json, bool Drop = false)
{
    /// <summary>Closes the connection without an answer: the client cannot know whether the statement ran.</summary>
    public static FakeAnswer Dropped { get; } = new(0, null, Drop: true);
}

/// <summary>
/// An in-process HTTP server on 127.0.0.1 (a free port) standing in for the SQL API. It models the protocol, not a
/// database: each test says how it answers (the shapes in <see cref="SqlApiShapes"/>, each naming the doc section it
/// follows) and reads back what the client sent.
/// </summary>
public sealed class FakeSnowflakeServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeSnowflakeServer(WebApplication app, Uri baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    /// <summary>Where it listens.</summary>
    public Uri BaseUrl { get; }

    /// <summary>Every request, in arrival order.</summary>
    public ConcurrentQueue<FakeRequest> Requests { get; } = new();

    /// <summary>Starts a server that answers each request with <paramref name="answer"/>.</summary>
    public static async Task<FakeSnowflakeServer> StartAsync(Func<FakeRequest, Task<FakeAnswer>> answer)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        FakeSnowflakeServer? server = null;
        app.Run(async context =>
        {
            var request = await ReadAsync(context);
            server!.Requests.Enqueue(request);
            FakeAnswer reply;
            try
            {
                reply = await answer(request);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                return; // the client went away while the fake held the request
            }

            if (reply.Drop)
            {
                context.Abort();
                return;
            }

            context.Response.StatusCode = reply.Status;
            if (reply.Json is { } json)
            {
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync(json);
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server = new FakeSnowflakeServer(app, new Uri(address));
        return server;
    }

    /// <summary>The requests that were submissions.</summary>
    public IReadOnlyList<FakeRequest> Submissions => Requests.Where(r => r.IsSubmit).ToList();

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task<FakeRequest> ReadAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        JsonElement? body = text.Length == 0 ? null : JsonDocument.Parse(text).RootElement.Clone();
        return new FakeRequest(
            context.Request.Method,
            context.Request.Path.Value ?? "",
            context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
            body,
            context.RequestAborted);
    }
}
