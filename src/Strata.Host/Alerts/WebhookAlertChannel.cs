using System.Net.Http.Json;
using System.Text.Json;
using Strata.Errors;

namespace Strata.Host.Alerts;

/// <summary>
/// Alert notices POSTed to a webhook: the generic JSON form (the notice's fields) or the Slack-compatible form
/// (<c>{"text": …}</c>, which Slack, Mattermost and Rocket.Chat incoming webhooks take). The URL is a secret: it never
/// appears in the channel's name or errors.
/// </summary>
internal sealed class WebhookAlertChannel(HttpClient http, Uri url, bool slack) : IAlertChannel
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public string Name => $"{(slack ? "Slack webhook" : "webhook")} at {url.Host}";

    public async Task SendAsync(AlertNotice notice, CancellationToken cancellationToken)
    {
        object body = slack
            ? new { text = $"{notice.Subject}\n{notice.Text}" }
            : new
            {
                kind = notice.Kind,
                rule = notice.Alert.Rule,
                subject = notice.Alert.Subject,
                status = notice.Alert.Status,
                message = notice.Alert.Message,
                fired_at = notice.Alert.FiredAt,
                resolved_at = notice.Alert.ResolvedAt,
                notifications = notice.Alert.Notifications,
                host = notice.Host,
                summary = notice.Subject,
            };
        try
        {
            using var response = await http.PostAsJsonAsync(url, body, Json, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new StrataException($"{Name} answered {(int)response.StatusCode} {response.ReasonPhrase}");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new StrataException($"{Name} could not be reached ({ex.HttpRequestError})", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new StrataException($"{Name} did not answer within {http.Timeout.TotalSeconds:0} s", ex);
        }
    }
}
