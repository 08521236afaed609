namespace Strata.Host.Alerts;

/// <summary>One alert in <c>_strata.alerts</c>: a problem of one rule about one subject, from when it fired until it recovered.</summary>
/// <param name="Id">Its key.</param>
/// <param name="Rule">The rule that fired (<see cref="Health.Rules"/>).</param>
/// <param name="Subject">What it is about: a worker, table, test, report job, <c>gold</c> or <c>slot</c>.</param>
/// <param name="Status"><c>firing</c> or <c>resolved</c>.</param>
/// <param name="Message">The problem in the words of the overview, as last seen.</param>
/// <param name="FiredAt">When it fired (UTC).</param>
/// <param name="LastSentAt">When a notice of it last reached its channels (UTC); null before one did.</param>
/// <param name="ResolvedAt">When it recovered (UTC).</param>
/// <param name="Notifications">Firing notices delivered (the first and the re-alerts).</param>
/// <param name="RecoverySent">Whether the recovery notice has been delivered (or was not owed: nobody had been told it fired).</param>
/// <param name="Error">Why the last notice could not be delivered.</param>
public sealed record Alert(
    string Id, string Rule, string Subject, string Status, string Message, DateTime FiredAt, DateTime? LastSentAt, DateTime? ResolvedAt,
    long Notifications, bool RecoverySent, string? Error)
{
    /// <summary>Still a problem.</summary>
    public const string Firing = "firing";

    /// <summary>Recovered.</summary>
    public const string Resolved = "resolved";
}

/// <summary>What a channel is told.</summary>
/// <param name="Kind"><c>firing</c>, <c>repeat</c> or <c>resolved</c>.</param>
/// <param name="Alert">The alert.</param>
/// <param name="Host">Which Strata host says it (the project folder and dashboard address).</param>
public sealed record AlertNotice(string Kind, Alert Alert, string Host)
{
    /// <summary>One line: "[FIRING] gold_age gold: gold is 150 s old …".</summary>
    public string Subject => $"[{Kind.ToUpperInvariant()}] Strata {Alert.Rule} {Alert.Subject}: {Alert.Message}";

    /// <summary>The notice as text: what, since when, where.</summary>
    public string Text => Kind == Alert.Resolved
        ? $"Recovered at {Alert.ResolvedAt:yyyy-MM-dd HH:mm:ss} UTC (fired {Alert.FiredAt:yyyy-MM-dd HH:mm:ss} UTC): {Alert.Rule} {Alert.Subject}.\nWas: {Alert.Message}\nHost: {Host}"
        : $"{Alert.Message}\nRule {Alert.Rule}, subject {Alert.Subject}, firing since {Alert.FiredAt:yyyy-MM-dd HH:mm:ss} UTC" +
          (Kind == "repeat" ? $" (reminder {Alert.Notifications + 1})" : "") + $".\nHost: {Host}";
}
