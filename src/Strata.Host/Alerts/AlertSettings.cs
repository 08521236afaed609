using Strata.Configuration;
using Strata.Errors;
using Strata.Reports.Delivery;

namespace Strata.Host.Alerts;

/// <summary>The alert rules that are on and how they behave, from <c>alerts.*</c>; the channels are built from the same settings.</summary>
/// <param name="Rules">The rules that alert.</param>
/// <param name="For">How long a problem lasts before it fires.</param>
/// <param name="RepeatAfter">How often a firing alert is sent again.</param>
/// <param name="ReplicationLagBytes">WAL held by the slot past which <c>replication_lag</c> fires.</param>
public sealed record AlertSettings(IReadOnlySet<string> Rules, TimeSpan For, TimeSpan RepeatAfter, long ReplicationLagBytes)
{
    /// <summary>Every rule, as <c>alerts.rules</c> names them.</summary>
    public static IReadOnlyList<string> AllRules { get; } =
        [Health.Rules.GoldAge, Health.Rules.TestFailed, Health.Rules.ReplicationLag, Health.Rules.ReplicationSlot, Health.Rules.Worker, Health.Rules.DeliveryFailed, Health.Rules.Quarantine];

    /// <summary>Reads <c>alerts.*</c>; a rule name that does not exist is an error naming the setting.</summary>
    public static AlertSettings Read(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var text = config.Text(Settings.AlertsRules)?.Trim() ?? "";
        var rules = text is "" or "none" ? [] : text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        if (rules.FirstOrDefault(r => !AllRules.Contains(r)) is { } unknown)
        {
            throw new ConfigurationException($"{config.Get(Settings.AlertsRules).Origin}: alerts.rules names no rule '{unknown}'; the rules are {string.Join(", ", AllRules)} (or none)");
        }

        return new AlertSettings(rules, config.Duration(Settings.AlertsFor) ?? TimeSpan.FromSeconds(30), config.Duration(Settings.AlertsRepeatAfter) ?? TimeSpan.FromHours(1),
            (config.Integer(Settings.AlertsReplicationLagMb) ?? 5000) * 1024L * 1024);
    }

    /// <summary>The channels <c>alerts.email</c>, <c>alerts.webhook</c> and <c>alerts.slack_webhook</c> name; a channel that cannot work is an error naming its setting.</summary>
    public static IReadOnlyList<IAlertChannel> Channels(StrataConfig config, HttpClient http)
    {
        ArgumentNullException.ThrowIfNull(config);
        var channels = new List<IAlertChannel>();
        if (config.Text(Settings.AlertsEmail) is { } to)
        {
            var smtp = SmtpSettings.Read(config);
            if (smtp.Host is null)
            {
                throw new ConfigurationException($"{config.Get(Settings.AlertsEmail).Origin}: alerts.email needs smtp.host (the server alert e-mails go through); set it, or unset alerts.email");
            }

            channels.Add(new EmailAlertChannel(smtp, to));
        }

        foreach (var (setting, slack) in new[] { (Settings.AlertsWebhook, false), (Settings.AlertsSlackWebhook, true) })
        {
            if (config.Secret(setting) is not { } secret)
            {
                continue;
            }

            // The URL is a secret: the error says where it came from, never what it is.
            if (!Uri.TryCreate(secret.Trim(), UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            {
                throw new ConfigurationException($"{setting.Path} is not an http:// or https:// URL; fix the value in {setting.EnvironmentVariable} or .strata/secrets/{setting.SecretFileName}");
            }

            channels.Add(new WebhookAlertChannel(http, url, slack));
        }

        return channels;
    }
}
