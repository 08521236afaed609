using System.Globalization;

namespace Strata.Bench;

/// <summary>
/// The CPU time of the server process (walsender) that decodes a replication slot while a client drains it, read
/// from <c>/proc</c> while it runs (the process ends with its client): what says whether a client is bound by the
/// server's decoding or by its own work.
/// </summary>
internal sealed class WalsenderCpu : IAsyncDisposable
{
    // Linux reports process times in clock ticks of 1/100 s (USER_HZ) on every architecture .NET runs on.
    private const double TicksPerSecond = 100;

    private readonly CancellationTokenSource _stop = new();
    private readonly Task<double> _sampling;

    private WalsenderCpu(BenchSource source, string slot) => _sampling = SampleAsync(source, slot, _stop.Token);

    /// <summary>Starts watching the walsender that will serve <paramref name="slot"/>.</summary>
    public static WalsenderCpu Watch(BenchSource source, string slot) => new(source, slot);

    /// <summary>Stops watching; the CPU seconds the walsender used, last seen.</summary>
    public async Task<double> SecondsAsync()
    {
        await _stop.CancelAsync();
        var seconds = await _sampling;
        return seconds > 0 ? seconds : throw new InvalidOperationException("no walsender was seen serving the slot: its CPU time was not measured, no figure printed");
    }

    private static async Task<double> SampleAsync(BenchSource source, string slot, CancellationToken cancellationToken)
    {
        var seconds = 0.0;
        int? pid = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                pid ??= await source.ScalarAsync<int?>($"SELECT active_pid FROM pg_replication_slots WHERE slot_name = '{slot}' AND active");
                if (pid is { } id && File.Exists($"/proc/{id}/stat"))
                {
                    // Fields 14 and 15 (utime, stime) after the command name, which is in parentheses and may hold spaces.
                    var stat = await File.ReadAllTextAsync($"/proc/{id}/stat", CancellationToken.None);
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    seconds = (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (IOException)
            {
                // The walsender ended between the check and the read: the last sample stands.
            }
        }

        return seconds;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _sampling;
        }
        catch (InvalidOperationException)
        {
        }

        _stop.Dispose();
    }
}
