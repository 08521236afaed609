using System.Globalization;
using Microsoft.Extensions.Time.Testing;
using Strata.Errors;
using Strata.Host;
using Strata.Host.Alerts;
using Strata.Output;
using Strata.Testing;
using Strata.Tests.Reports;
using Strata.Transform.Execution;
using Strata.Warehouse;

namespace Strata.Tests.Host;

/// <summary>
/// Alerts end to end below the host: the host's problems (<see cref="Health"/>) through the rules into a real DuckDB
/// <c>_strata.alerts</c>, delivered to a real SMTP server and a real HTTP receiver in this process, on a fake clock.
/// </summary>
public sealed class AlertTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly TestProject _project = TestProject.Empty();
    private readonly TestSmtpServer _smtp = new("alerts", "alert-secret-1");
    private readonly WebhookReceiver _hooks = new();
    private readonly FakeTimeProvider _clock = new(Start);
    private readonly HttpClient _http = new();
    private IWarehouse _warehouse = null!;

    public async Task InitializeAsync()
    {
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["STRATA_SMTP_HOST"] = "127.0.0.1", ["STRATA_SMTP_PORT"] = _smtp.Port.ToString(CultureInfo.InvariantCulture), ["STRATA_SMTP_TLS"] = "none",
            ["STRATA_SMTP_USER"] = "alerts", ["STRATA_SMTP_PASSWORD"] = "alert-secret-1", ["STRATA_ALERTS_EMAIL"] = "ops@example.com",
            ["STRATA_ALERTS_WEBHOOK"] = _hooks.Url("/json").ToString(), ["STRATA_ALERTS_SLACK_WEBHOOK"] = _hooks.Url("/slack").ToString(),
        })
        {
            _project.Environment[key] = value;
        }

        _warehouse = await Strata.Platform.Warehouses.OpenAsync(_project.LoadConfig());
    }

    public async Task DisposeAsync()
    {
        await _warehouse.DisposeAsync();
        _http.Dispose();
        _hooks.Dispose();
        _smtp.Dispose();
        _project.Dispose();
    }

    /// <summary>Each rule's problem, made real on a host state, and how to cure it.</summary>
    public static TheoryData<string> Rules => [.. AlertSettings.AllRules];

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task Each_rule_fires_once_it_has_lasted_re_alerts_and_recovers_on_every_channel(string rule)
    {
        var state = new PlatformState(_clock) { Runs = 1 };
        var (cause, cure) = Problem(state, rule);
        var engine = await EngineAsync();

        cause();
        await TickAsync(engine, state);
        Assert.Empty(await StoreRowsAsync()); // not yet: alerts.for is 30 s
        _clock.Advance(TimeSpan.FromSeconds(31));
        await TickAsync(engine, state);
        var fired = Assert.Single(await StoreRowsAsync());
        Assert.Equal((rule, Alert.Firing, 1L), (fired.Rule, fired.Status, fired.Notifications));
        Assert.Equal(["firing"], Kinds());
        Assert.Single(engine.Firing);

        _clock.Advance(TimeSpan.FromMinutes(30));
        await TickAsync(engine, state);
        Assert.Equal(["firing"], Kinds()); // within alerts.repeat_after: nothing again
        _clock.Advance(TimeSpan.FromMinutes(31));
        await TickAsync(engine, state);
        Assert.Equal(["firing", "repeat"], Kinds());

        cure();
        await TickAsync(engine, state);
        var resolved = Assert.Single(await StoreRowsAsync());
        Assert.Equal((Alert.Resolved, 2L, true), (resolved.Status, resolved.Notifications, resolved.RecoverySent));
        Assert.Equal(Start.UtcDateTime.AddSeconds(31), resolved.FiredAt);
        Assert.Equal(["firing", "repeat", "resolved"], Kinds());
        Assert.Empty(engine.Firing);

        // Every channel got each notice: e-mail, the JSON webhook (its fields) and the Slack-compatible one (text).
        Assert.Equal(3, _smtp.Messages.Count);
        Assert.All(_smtp.Messages, m => Assert.Contains($"Strata {rule}", m.Subject, StringComparison.Ordinal));
        Assert.StartsWith("[RESOLVED]", _smtp.Messages.Last().Subject, StringComparison.Ordinal);
        Assert.Equal(["firing", "repeat", "resolved"], _hooks.At("/json").Select(b => b.GetProperty("kind").GetString()));
        Assert.All(_hooks.At("/json"), b => Assert.Equal(rule, b.GetProperty("rule").GetString()));
        Assert.Equal(3, _hooks.At("/slack").Count(b => b.GetProperty("text").GetString()!.Contains($"Strata {rule}", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_notice_a_channel_refuses_is_sent_again_a_minute_later_and_none_is_lost()
    {
        var state = new PlatformState(_clock) { Runs = 1, Quarantined = ["operations.orders"] };
        var engine = await EngineAsync(forSeconds: 1);
        _hooks.Failing = true;
        await FireAsync(engine, state);
        var failed = Assert.Single(await StoreRowsAsync());
        Assert.Equal(0, failed.Notifications);
        Assert.Contains("answered 500", failed.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("/json", failed.Error, StringComparison.Ordinal); // the URL is a secret

        _hooks.Failing = false;
        _clock.Advance(TimeSpan.FromSeconds(30));
        await TickAsync(engine, state);
        Assert.Empty(_hooks.At("/json")); // not before a minute has passed
        _clock.Advance(TimeSpan.FromSeconds(31));
        await TickAsync(engine, state);
        var sent = Assert.Single(await StoreRowsAsync());
        Assert.Equal((1L, (string?)null), (sent.Notifications, sent.Error));
        Assert.Single(_hooks.At("/json"));
    }

    [Fact]
    public async Task A_restarted_host_keeps_its_firing_alerts_and_announces_a_recovery_only_once_it_has_run()
    {
        var state = new PlatformState(_clock) { Runs = 1 };
        state.Workers.Failed("ingestion", "replication slot strata_finance is missing");
        await FireAsync(await EngineAsync(forSeconds: 1), state);
        Assert.Equal(["firing"], Kinds());

        // A new host process over the same warehouse: the problem is still there, so nothing new fires or is sent.
        var restarted = new PlatformState(_clock) { Runs = 0 };
        restarted.Workers.Failed("ingestion", "replication slot strata_finance is missing");
        var engine = await EngineAsync(forSeconds: 1);
        await FireAsync(engine, restarted);
        Assert.Equal(["firing"], Kinds());

        // Cured, but before the first run nothing is known: it stays firing until the host has run once.
        restarted.Workers.Healthy("ingestion", "streaming");
        await TickAsync(engine, restarted);
        Assert.Equal(Alert.Firing, Assert.Single(await StoreRowsAsync()).Status);
        restarted.Runs = 1;
        await TickAsync(engine, restarted);
        Assert.Equal(Alert.Resolved, Assert.Single(await StoreRowsAsync()).Status);
        Assert.Equal(["firing", "resolved"], Kinds());
    }

    [Theory]
    [InlineData("STRATA_ALERTS_RULES", "gold_age,bogus", "alerts.rules names no rule 'bogus'")]
    [InlineData("STRATA_ALERTS_WEBHOOK", "not a url at all", "alerts.webhook is not an http:// or https:// URL")]
    [InlineData("STRATA_SMTP_HOST", "", "alerts.email needs smtp.host")]
    public void A_setting_that_cannot_work_is_one_line_naming_it_without_its_secret(string variable, string value, string expected)
    {
        _project.Environment[variable] = value;
        var config = _project.LoadConfig();
        var error = Assert.ThrowsAny<StrataException>(() =>
        {
            AlertSettings.Read(config);
            AlertSettings.Channels(config, _http);
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("not a url at all", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>Makes <paramref name="rule"/>'s problem real on <paramref name="state"/>, and undoes it.</summary>
    private (Action Cause, Action Cure) Problem(PlatformState state, string rule)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return rule switch
        {
            Health.Rules.GoldAge => (() =>
            {
                // The one gold relation lacks a change committed at the source ten minutes ago: past error_after (2 min).
                state.GoldRelations = ["rpt_top_customers"];
                state.AsOf = new Dictionary<string, DataAsOf> { ["rpt_top_customers"] = new(100, now.AddMinutes(-20)) };
                state.BronzeCommits.Enqueue((200, now.AddMinutes(-10)));
            }, () => state.AsOf = new Dictionary<string, DataAsOf> { ["rpt_top_customers"] = new(200, now) }),
            Health.Rules.TestFailed => (() => state.FailingTests["accepted_values_orders_status"] = "test accepted_values_orders_status on orders fails (2 failing rows)",
                () => state.FailingTests.Clear()),
            Health.Rules.ReplicationLag => (() => state.Slot = new SlotLag("active", 6L << 30, 0.1, now), () => state.Slot = new SlotLag("active", 1024, 0.1, now)),
            Health.Rules.ReplicationSlot => (() => state.Slot = new SlotLag("lost", null, null, now), () => state.Slot = new SlotLag("active", 0, 0.1, now)),
            Health.Rules.Worker => (() => state.Workers.Failed("ingestion", "replication slot strata_finance is missing; restarting in 4 s"),
                () => state.Workers.Healthy("ingestion", "streaming")),
            Health.Rules.DeliveryFailed => (() => state.FailedDeliveries["report:top_delivery_dates"] = "could not send report top_delivery_dates",
                () => state.FailedDeliveries.Clear()),
            Health.Rules.Quarantine => (() => state.Quarantined = ["operations.orders"], () => state.Quarantined = []),
            _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, "no such rule"),
        };
    }

    private async Task<AlertEngine> EngineAsync(int forSeconds = 30)
    {
        _project.Environment["STRATA_ALERTS_FOR"] = $"{forSeconds}s";
        var config = _project.LoadConfig();
        var store = new AlertStore(_warehouse);
        await store.EnsureAsync();
        return new AlertEngine(store, AlertSettings.Channels(config, _http), AlertSettings.Read(config), "test host", _clock, NullConsole.Instance);
    }

    /// <summary>Two evaluations a second apart: what fires with <c>alerts.for: 1s</c>.</summary>
    private async Task FireAsync(AlertEngine engine, PlatformState state)
    {
        await TickAsync(engine, state);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await TickAsync(engine, state);
    }

    private static Task TickAsync(AlertEngine engine, PlatformState state) =>
        engine.TickAsync(Health.Of(state, state.Clock.GetUtcNow().UtcDateTime), state.Runs > 0, CancellationToken.None);

    private Task<IReadOnlyList<Alert>> StoreRowsAsync() => new AlertStore(_warehouse).RecentAsync(10);

    /// <summary>The kinds of notice the JSON webhook received, in order.</summary>
    private List<string?> Kinds() => _hooks.At("/json").Select(b => b.GetProperty("kind").GetString()).ToList();
}
