using System.Globalization;
using Strata.Bench;

// dotnet run --project bench/Strata.Bench -c Release -- [seed|simulate|snapshot|resume|streaming|latency|ingest|large|transform|increment|load|reports|host|all] [--orders N] [--items-per-order N] [--seconds S] [--changes N]
var what = args.FirstOrDefault(a => !a.StartsWith("--", StringComparison.Ordinal)) ?? "all";
int Option(string name, int fallback)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
}

var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "../../../../work"));
var source = await BenchSource.UpAsync(directory);
Console.WriteLine($"Machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
if (what is "seed" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Seed");
    Console.WriteLine(await SeedBenchmark.RunAsync(source, Option("--orders", 400_000), Option("--items-per-order", 25)));
}

if (what is "simulate" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Simulate");
    Console.WriteLine(await SimulateBenchmark.RunAsync(source, TimeSpan.FromSeconds(Option("--seconds", 60))));
}

if (what is "snapshot" or "ingest" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: snapshot");
    Console.WriteLine(await IngestBenchmark.SnapshotAsync(source));
}

if (what is "resume" or "ingest" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: a snapshot stopped halfway, then resumed");
    Console.WriteLine(await SnapshotResumeBenchmark.RunAsync(source));
}

if (what is "workers" or "ingest" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: snapshot workers, 1 against 2");
    Console.WriteLine(await SnapshotWorkersBenchmark.RunAsync(source));
}

if (what is "streaming" or "ingest" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: streaming");
    Console.WriteLine(await IngestBenchmark.StreamingAsync(source, Option("--changes", 1_000_000)));
}

if (what is "latency" or "ingest" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: latency");
    Console.WriteLine(await IngestBenchmark.LatencyAsync(source, TimeSpan.FromSeconds(Option("--seconds", 30))));
}

if (what is "large")
{
    Console.WriteLine();
    Console.WriteLine("### Ingest: one large transaction");
    Console.WriteLine(await IngestBenchmark.LargeTransactionAsync(source, Option("--rows", 2_000_000)));
}

if (what is "transform" or "increment" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Transform: full build and incremental current_state");
    Console.WriteLine(await TransformBenchmark.BuildAsync(source, fullBuild: what is not "increment", 1_000, 10_000, 100_000));
}

if (what is "load" or "transform" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Transform: loading a large project");
    Console.WriteLine(await TransformBenchmark.LoadAsync(1_000));
}

if (what is "host")
{
    Console.WriteLine();
    Console.WriteLine("### Host: strata up");
    Console.WriteLine(await HostBenchmark.RunAsync(directory, TimeSpan.FromSeconds(Option("--seconds", 120))));
}

if (what is "reports" or "all")
{
    Console.WriteLine();
    Console.WriteLine("### Reports");
    Console.WriteLine(await ReportBenchmark.RunAsync(source));
}
