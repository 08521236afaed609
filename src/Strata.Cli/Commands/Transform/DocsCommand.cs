using System.ComponentModel;
using Spectre.Console.Cli;
using Strata.Cli.Infrastructure;
using Strata.Cli.Output;

namespace Strata.Cli.Commands.Transform;

/// <summary>Options of <c>strata docs</c>.</summary>
internal sealed class DocsSettings : JsonSettings
{
    [CommandOption("-o|--out <DIR>")]
    [Description("Folder to write index.html and catalog.json into. Default: target/docs")]
    public string? Out { get; init; }
}

/// <summary>
/// <c>strata docs</c>: the whole project as a static, offline site (dbt's <c>docs generate</c>): every model, seed,
/// snapshot, source, test and column with its description, the DAG, and column lineage from the compiled SQL.
/// </summary>
internal sealed class DocsCommand(CliRuntime runtime, SpectreStrataConsole console) : TransformCommand<DocsSettings>(runtime, console)
{
    public override Task<int> ExecuteAsync(CommandContext context, DocsSettings settings, CancellationToken cancellationToken) =>
        WithServiceAsync(settings, async (service, _) =>
        {
            var folder = settings.Out is { } given ? Path.GetFullPath(given, Runtime.WorkingDirectory) : service.DocsDirectory;
            using var parser = Strata.Platform.Warehouses.SqlParser();
            var site = await service.DocsAsync(parser, cancellationToken);
            try
            {
                await site.WriteAsync(folder, cancellationToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new Errors.UsageException($"--out {folder}: cannot write the docs there ({ex.Message}); choose a folder you can write to");
            }

            var catalog = site.Catalog;
            var unknown = catalog.Nodes.Where(n => n.Lineage == "unknown").Select(n => new { Model = n.Name, Reason = n.LineageUnknown }).ToList();
            if (settings.Json)
            {
                Console.Json(new
                {
                    Path = folder,
                    Index = Path.Combine(folder, "index.html"),
                    Catalog = Path.Combine(folder, "catalog.json"),
                    Models = catalog.Nodes.Count(n => n.ResourceType == "model"),
                    Snapshots = catalog.Nodes.Count(n => n.ResourceType == "snapshot"),
                    Seeds = catalog.Nodes.Count(n => n.ResourceType == "seed"),
                    Sources = catalog.Sources.Count,
                    Tests = catalog.Tests.Count,
                    Columns = catalog.Nodes.Sum(n => n.Columns.Count) + catalog.Sources.Sum(s => s.Columns.Count),
                    LineageEdges = catalog.LineageEdges.Count,
                    UnknownLineage = unknown,
                });
            }
            else
            {
                Console.Success($"Documented {catalog.Nodes.Count} models, seeds and snapshots, {catalog.Sources.Count} sources and {catalog.Tests.Count} tests " +
                    $"({catalog.LineageEdges.Count} column lineage edges) in {Path.Combine(folder, "index.html")}; open it in a browser.");
                foreach (var model in unknown)
                {
                    Console.Warning($"{model.Model}: column lineage unknown: {model.Reason}");
                }
            }

            return 0;
        }, cancellationToken);
}
