using System.Diagnostics;
using Npgsql;
using Strata.Output;
using Strata.Source.Seeding;

namespace Strata.Source.Workload;

/// <summary>
/// Replays the business database's live workload (customers, products, orders) at the original rates times a speed factor,
/// each change in its own transaction, until cancelled or for a fixed duration.
/// </summary>
/// <remarks>
/// Each job keeps its own schedule: run N starts at N × period ÷ speed. A job that falls behind runs its late
/// runs back to back, and no job starts a run while another is more than one of its own runs behind, so the
/// mix of operations stays that of the original even when the server cannot keep up with the speed asked for.
/// </remarks>
public sealed class WorkloadSimulator
{
    private static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RateWindow = TimeSpan.FromSeconds(10);
    private readonly string _connectionString;
    private readonly WorkloadOperations _operations;
    private readonly IStrataConsole _console;

    /// <summary>Creates a simulator for the tables in <paramref name="schema"/>.</summary>
    public WorkloadSimulator(string connectionString, string schema, IStrataConsole console)
    {
        _connectionString = connectionString;
        _operations = new WorkloadOperations(schema);
        _console = console;
    }

    /// <summary>Runs the workload; returns the operations made. Cancelling stops it cleanly after the transactions in flight.</summary>
    public async Task<WorkloadStats> RunAsync(SimulateOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stats = new WorkloadStats();
        var seed = options.Seed ?? Random.Shared.NextInt64();
        // The same few statements run thousands of times: let Npgsql prepare them once per connection.
        var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Pooling = true, MaxPoolSize = options.OrderWorkers + 4, MaxAutoPrepare = 32 };
        await using var dataSource = NpgsqlDataSource.Create(builder.ConnectionString);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            stop.CancelAfter(duration);
        }

        var clock = Stopwatch.StartNew();
        var schedule = WorkloadJob.Original(options.OrderWorkers);
        var completed = new long[schedule.Count];
        var jobs = schedule
            .Select((job, index) => RunJobAsync(schedule, completed, index, dataSource, options, seed, stats, clock, stop.Token))
            .ToList();
        var reporter = ReportAsync(stats, clock, stop.Token);
        try
        {
            await Task.WhenAll(jobs);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped by duration or Ctrl+C: every committed change stays committed.
        }

        await reporter;
        stats.WorkloadTime = schedule.Select((job, k) => job.Period * Interlocked.Read(ref completed[k])).Min();
        return stats;
    }

    private async Task RunJobAsync(
        IReadOnlyList<WorkloadJob> schedule,
        long[] completed,
        int jobIndex,
        NpgsqlDataSource dataSource,
        SimulateOptions options,
        long seed,
        WorkloadStats stats,
        Stopwatch clock,
        CancellationToken cancellationToken)
    {
        var job = schedule[jobIndex];
        var interval = job.Period / options.Speed;
        for (long run = 0; !cancellationToken.IsCancellationRequested; run++)
        {
            var due = interval * run;
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed, cancellationToken);
            }

            // Wait for any job more than one of its runs behind this run's start (in workload time).
            var start = job.Period * run;
            while (Enumerable.Range(0, schedule.Count).Any(k => schedule[k].Period * (Interlocked.Read(ref completed[k]) + 1) < start))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(2), cancellationToken);
            }

            var thisRun = run;
            await Parallel.ForEachAsync(
                Enumerable.Range(0, job.OperationsPerRun),
                new ParallelOptions { MaxDegreeOfParallelism = job.Workers, CancellationToken = cancellationToken },
                async (operation, token) =>
                {
                    var random = new Random(unchecked((int)new RowRandom(seed, jobIndex, (thisRun * 1000) + operation).Next()));
                    await RunOperationAsync(jobIndex, dataSource, random, options, stats, token);
                });
            Interlocked.Increment(ref completed[jobIndex]);
        }
    }

    private async Task RunOperationAsync(
        int jobIndex, NpgsqlDataSource dataSource, Random random, SimulateOptions options, WorkloadStats stats, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
                switch (jobIndex)
                {
                    case 0:
                        stats.Add(await _operations.CustomerAsync(connection, random, cancellationToken));
                        break;
                    case 1:
                        stats.Add(await _operations.ProductAsync(connection, random, cancellationToken));
                        break;
                    default:
                        if (options.DeleteRate > 0 && random.NextDouble() < options.DeleteRate)
                        {
                            if (await _operations.DeleteAsync(connection, random, cancellationToken) is { } deleted)
                            {
                                stats.Add(deleted);
                            }
                        }
                        else
                        {
                            var (operation, items) = await _operations.OrderAsync(connection, random, cancellationToken);
                            if (items >= 0)
                            {
                                stats.Add(operation, items);
                            }
                        }

                        break;
                }

                options.OnWritten?.Invoke();
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is "40001" or "40P01" && attempt < 5)
            {
                // Two workers raced for the same rows; the original jobs would have queued. Try again.
            }
        }
    }

    private async Task ReportAsync(WorkloadStats stats, Stopwatch clock, CancellationToken cancellationToken)
    {
        // The rate over the last ten seconds: the jobs run in bursts, so a one-second rate jumps between 0 and peaks.
        var window = new Queue<(TimeSpan Time, long Total)>();
        window.Enqueue((clock.Elapsed, 0));
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(LiveInterval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            var now = clock.Elapsed;
            var total = stats.Total;
            while (window.Count > 1 && now - window.Peek().Time > RateWindow)
            {
                window.Dequeue();
            }

            var (since, before) = window.Peek();
            var rate = (total - before) / (now - since).TotalSeconds;
            window.Enqueue((now, total));
            _console.Live(
                $"{total:N0} operations, {rate:N0} ops/s — customers {stats.Customers:N0}, products {stats.Products:N0}, orders {stats.Orders:N0} ({stats.ItemsInserted:N0} items)");
        }
    }
}
