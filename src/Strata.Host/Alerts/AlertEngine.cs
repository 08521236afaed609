using Strata.Output;

namespace Strata.Host.Alerts;

/// <summary>
/// Turns the host's problems into alerts: a problem of a rule that is on fires once it has lasted
/// <see cref="AlertSettings.For"/>, is sent again every <see cref="AlertSettings.RepeatAfter"/> while it lasts,
/// and sends a recovery notice when it is gone. Every alert and notice is in <c>_strata.alerts</c>; a notice a
/// channel could not take is tried again a minute later, so none is lost while a channel is down.
/// </summary>
public sealed class AlertEngine(AlertStore store, IReadOnlyList<IAlertChannel> channels, AlertSettings settings, string host, TimeProvider clock, IStrataConsole console)
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMinutes(1);
    private readonly Dictionary<(string Rule, string Subject), DateTime> _seen = [];
    private readonly Dictionary<string, DateTime> _failedAt = new(StringComparer.Ordinal);
    private List<Alert>? _open;

    /// <summary>The alerts firing after the last tick, oldest first.</summary>
    public IReadOnlyList<Alert> Firing { get; private set; } = [];

    /// <summary>
    /// One evaluation of <paramref name="problems"/>. <paramref name="canResolve"/> false (before the host has run
    /// once) keeps firing alerts firing, so a restart does not announce recoveries it cannot know of yet.
    /// </summary>
    public async Task TickAsync(IReadOnlyList<HealthProblem> problems, bool canResolve, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var now = clock.GetUtcNow().UtcDateTime;
        var active = problems.Where(Alerts).GroupBy(p => (p.Rule, p.Subject)).ToDictionary(g => g.Key, g => g.First().Message);
        foreach (var key in _seen.Keys.Where(k => !active.ContainsKey(k)).ToList())
        {
            _seen.Remove(key);
        }

        foreach (var key in active.Keys)
        {
            _seen.TryAdd(key, now);
        }

        _open ??= [.. await store.OpenAsync(cancellationToken)];
        var changed = new HashSet<Alert>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < _open.Count; i++)
        {
            var alert = _open[i];
            if (alert.Status != Alert.Firing)
            {
                continue;
            }

            if (active.TryGetValue((alert.Rule, alert.Subject), out var message))
            {
                if (message != alert.Message)
                {
                    _open[i] = alert with { Message = message };
                    changed.Add(_open[i]);
                }
            }
            else if (canResolve)
            {
                // Nobody was told it fired: no recovery is owed.
                _open[i] = alert with { Status = Alert.Resolved, ResolvedAt = now, RecoverySent = alert.Notifications == 0 || channels.Count == 0 };
                changed.Add(_open[i]);
                console.Info($"alert resolved: {alert.Rule} {alert.Subject}");
            }
        }

        foreach (var ((rule, subject), message) in active)
        {
            if (now - _seen[(rule, subject)] < settings.For || _open.Any(a => a.Status == Alert.Firing && a.Rule == rule && a.Subject == subject))
            {
                continue;
            }

            var alert = new Alert(Guid.NewGuid().ToString("N"), rule, subject, Alert.Firing, message, now, null, null, 0, false, null);
            await store.InsertAsync(alert, cancellationToken);
            _open.Add(alert);
            console.Warning($"alert: {message}");
        }

        for (var i = 0; i < _open.Count; i++)
        {
            var sent = await NotifyAsync(_open[i], now, cancellationToken);
            if (sent != _open[i])
            {
                _open[i] = sent;
                changed.Add(sent);
            }
        }

        foreach (var alert in _open.Where(changed.Contains))
        {
            await store.UpdateAsync(alert, cancellationToken);
        }

        _open.RemoveAll(a => a.Status == Alert.Resolved && a.RecoverySent);
        Firing = _open.Where(a => a.Status == Alert.Firing).ToList();
    }

    /// <summary>Whether a problem is one an alert rule that is on watches.</summary>
    private bool Alerts(HealthProblem problem) =>
        settings.Rules.Contains(problem.Rule) && (problem.Rule != Health.Rules.GoldAge || problem.Blocking); // gold: past error_after, not warn_after

    /// <summary>Sends what <paramref name="alert"/> is owed now — its first notice, a reminder, its recovery — and returns it as it is then.</summary>
    private async Task<Alert> NotifyAsync(Alert alert, DateTime now, CancellationToken cancellationToken)
    {
        string? kind = alert.Status == Alert.Firing
            ? alert.LastSentAt is null ? "firing" : now - alert.LastSentAt.Value >= settings.RepeatAfter ? "repeat" : null
            : alert.RecoverySent ? null : Alert.Resolved;
        if (kind is null || channels.Count == 0 || (_failedAt.TryGetValue(alert.Id, out var failed) && now - failed < RetryAfter))
        {
            return alert;
        }

        var errors = new List<string>();
        foreach (var channel in channels)
        {
            try
            {
                await channel.SendAsync(new AlertNotice(kind, alert, host), cancellationToken);
            }
            catch (Errors.StrataException ex)
            {
                errors.Add(ex.Message);
            }
        }

        if (errors.Count > 0)
        {
            // Every channel gets it again a minute later: a reminder twice beats a notice lost.
            _failedAt[alert.Id] = now;
            var error = string.Join("; ", errors);
            if (error != alert.Error)
            {
                console.Error($"alert {alert.Rule} {alert.Subject}: {error}; trying again in {RetryAfter.TotalSeconds:0} s");
            }

            return alert with { Error = error };
        }

        _failedAt.Remove(alert.Id);
        return kind == Alert.Resolved
            ? alert with { RecoverySent = true, Error = null }
            : alert with { LastSentAt = now, Notifications = alert.Notifications + 1, Error = null };
    }
}
