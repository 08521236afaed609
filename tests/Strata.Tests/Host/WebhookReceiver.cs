using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;

namespace Strata.Tests.Host;

/// <summary>A real HTTP server in the test process (HttpListener on loopback) that keeps the JSON bodies POSTed to it, or answers 500 while <see cref="Failing"/>.</summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly Task _serving;

    public WebhookReceiver()
    {
        Port = Strata.Source.Local.FreePort.Find();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _serving = ServeAsync();
    }

    public int Port { get; }

    /// <summary>Bodies received, by path (<c>/json</c>, <c>/slack</c>).</summary>
    public ConcurrentQueue<(string Path, JsonElement Body)> Received { get; } = new();

    /// <summary>While true, every request is answered 500 and not kept.</summary>
    public bool Failing { get; set; }

    public Uri Url(string path) => new($"http://127.0.0.1:{Port}{path}");

    public List<JsonElement> At(string path) => Received.Where(r => r.Path == path).Select(r => r.Body).ToList();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException)
            {
                return;
            }

            using (var reader = new StreamReader(context.Request.InputStream))
            {
                var body = await reader.ReadToEndAsync();
                if (!Failing)
                {
                    Received.Enqueue((context.Request.Url!.AbsolutePath, JsonDocument.Parse(body).RootElement.Clone()));
                }
            }

            context.Response.StatusCode = Failing ? 500 : 200;
            context.Response.Close();
        }
    }

    public void Dispose()
    {
        // Close alone: on Unix the managed HttpListener's Stop() frees the port and a Close() after it binds it again
        // for a moment, which fails when another test has taken the port meanwhile ("Address already in use", CI run 46).
        _listener.Close();
        _serving.Wait(TimeSpan.FromSeconds(5));
    }
}
