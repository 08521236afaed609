namespace Strata.Host.Alerts;

/// <summary>Where alert notices go: e-mail, a JSON webhook, a Slack-compatible webhook.</summary>
public interface IAlertChannel
{
    /// <summary>How the channel is named in errors and <c>_strata.alerts</c> (never with its secret URL).</summary>
    string Name { get; }

    /// <summary>Delivers <paramref name="notice"/>; throws a <see cref="Errors.StrataException"/> when it cannot.</summary>
    Task SendAsync(AlertNotice notice, CancellationToken cancellationToken);
}
