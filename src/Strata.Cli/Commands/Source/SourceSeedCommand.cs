using System.ComponentModel;
using System.Globalization;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Errors;
using Strata.Source.Seeding;

namespace Strata.Cli.Commands.Source;

/// <summary><c>strata source seed</c>.</summary>
internal sealed class SourceSeedCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<SourceSeedCommand.Options>(runtime, console)
{
    internal sealed class Options : JsonSettings
    {
        [CommandOption("--customers <N>")]
        [Description("Customers to create (default 5)")]
        public int Customers { get; init; } = SeedOptions.Initial.Customers;

        [CommandOption("--products <N>")]
        [Description("Products to create (default 30)")]
        public int Products { get; init; } = SeedOptions.Initial.Products;

        [CommandOption("--orders <N>")]
        [Description("Orders to create (default 10)")]
        public int Orders { get; init; } = SeedOptions.Initial.Orders;

        [CommandOption("--items-per-order <N>")]
        [Description("Items on every order (default 25)")]
        public int ItemsPerOrder { get; init; } = SeedOptions.Initial.ItemsPerOrder;

        [CommandOption("--seed <S>")]
        [Description("Random seed: the same options give identical rows (default 1)")]
        public long Seed { get; init; } = SeedOptions.Initial.Seed;

        [CommandOption("--as-of <DATE>")]
        [Description("Newest order date, yyyy-MM-dd (default 2026-01-01); orders span the year before it")]
        public string? AsOf { get; init; }

        [CommandOption("--threads <N>")]
        [Description("Parallel COPY streams (default: one per core)")]
        public int? Threads { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Options settings, CancellationToken cancellationToken)
    {
        var options = new SeedOptions
        {
            Customers = settings.Customers,
            Products = settings.Products,
            Orders = settings.Orders,
            ItemsPerOrder = settings.ItemsPerOrder,
            Seed = settings.Seed,
            AsOf = settings.AsOf is null ? SeedOptions.Initial.AsOf : ParseDate(settings.AsOf),
            Threads = settings.Threads ?? SeedOptions.Initial.Threads,
        };
        var result = await Source(settings).SeedAsync(options, cancellationToken);
        if (settings.Json)
        {
            Console.Json(new { result.Rows, result.TotalRows, Seconds = result.Elapsed.TotalSeconds, result.RowsPerSecond });
        }
        else
        {
            Console.Success(
                $"Seeded {string.Join(", ", result.Rows.Select(r => $"{r.Value:N0} {r.Key}"))} in {result.Elapsed.TotalSeconds:0.0} s ({result.RowsPerSecond:N0} rows/s).");
        }

        return 0;
    }

    private static DateOnly ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw new UsageException($"--as-of '{text}' is not a date; write it as yyyy-MM-dd, e.g. 2026-01-01");
}
