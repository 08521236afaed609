using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;
using Strata.Source.Diagnostics;
using Strata.Text;

namespace Strata.Cli.Commands;

/// <summary><c>strata doctor</c>: exit 1 when any check fails.</summary>
internal sealed class DoctorCommand(CliRuntime runtime, SpectreStrataConsole console) : StrataCommand<JsonSettings>(runtime, console)
{
    public override async Task<int> ExecuteAsync(CommandContext context, JsonSettings settings, CancellationToken cancellationToken)
    {
        var config = LoadConfig(settings);
        var checks = (await new Doctor(config).RunAsync(cancellationToken)).ToList();
        checks.AddRange(await WarehouseChecksAsync(config, cancellationToken));

        if (await QuarantineCheckAsync(config, cancellationToken) is { } quarantine)
        {
            checks.Add(quarantine);
        }

        var healthy = checks.All(c => c.Ok);
        if (settings.Json)
        {
            Console.Json(new { Healthy = healthy, Checks = checks });
        }
        else
        {
            Console.Table(
                ["", "check", "found", "fix"],
                checks.Select(c => (IReadOnlyList<string>)[c.Ok ? "✅" : "✗", c.Name, c.Detail, c.Ok ? "" : c.Fix ?? ""]),
                "Strata doctor");
            if (healthy)
            {
                Console.Success("Everything change data capture needs is in place.");
            }
            else
            {
                Console.Warning($"{checks.Count(c => !c.Ok)} check(s) failed; apply the fixes above and run `strata doctor` again.");
            }
        }

        return healthy ? 0 : 1;
    }

    /// <summary>
    /// Whether a warehouse server can be opened (connection, credentials, database), in one line, then what its
    /// adapter checks of the access (Snowflake: the role, the compute warehouse, schema privileges). None for an
    /// embedded file, whose state the quarantine check reads (through a running host when one holds it).
    /// </summary>
    private static async Task<IReadOnlyList<DoctorCheck>> WarehouseChecksAsync(Configuration.StrataConfig config, CancellationToken cancellationToken)
    {
        var provider = Platform.Warehouses.Provider(config);
        if (provider.SingleProcess || !provider.MayExist(config))
        {
            return [];
        }

        try
        {
            await using var warehouse = await provider.OpenAsync(config, cancellationToken);
            var access = await warehouse.CheckAccessAsync(cancellationToken);
            return [new DoctorCheck("warehouse", true, $"{warehouse.Engine} at {warehouse.Location}"), .. access.Select(a => new DoctorCheck(a.Name, a.Ok, a.Detail, a.Fix))];
        }
        catch (Errors.StrataException ex)
        {
            return [new DoctorCheck("warehouse", false, ex.Message, "fix the warehouse.* setting or the network named here (docs/configuration.md)")];
        }
    }

    /// <summary>Tables ingestion holds in the dead-letter table; null before there is a warehouse to look in.</summary>
    private async Task<DoctorCheck?> QuarantineCheckAsync(Configuration.StrataConfig config, CancellationToken cancellationToken)
    {
        if (!Platform.Warehouses.Provider(config).MayExist(config))
        {
            return null; // nothing ingested yet, and looking must not create the file
        }

        IReadOnlyList<Ingestion.Bronze.QuarantinedTable> held;
        try
        {
            held = (await Ingest.IngestStatusCommand.ReadAsync(config, Console, cancellationToken)).Quarantined;
        }
        catch (Errors.StrataException ex)
        {
            return new DoctorCheck("quarantine", false, $"cannot read ingestion's state: {ex.Message}", "see the checks above; `strata ingest status` shows the same");
        }

        return held.Count == 0
            ? new DoctorCheck("quarantine", true, "no table quarantined")
            : new DoctorCheck("quarantine", false,
                string.Join("; ", held.Select(q => $"{q.SourceTable}: {q.Held:N0} change(s) held since LSN {LsnText.Format(q.FirstLsn)} ({q.Error})")),
                $"fix the value at the source, then run `strata ingest --resync {string.Join(",", held.Select(q => q.SourceTable))}`");
    }
}
