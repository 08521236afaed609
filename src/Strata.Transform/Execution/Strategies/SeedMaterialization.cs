using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Strata.Transform.Execution.Staging;
using Strata.Transform.Project;
using Strata.Transform.Seeds;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Transform.Execution.Strategies;

/// <summary>
/// <c>seed</c>: a CSV file loaded as a table. Loaded again only when the file or its column types changed (or with
/// <c>--full-refresh</c>): a hash of both is kept in <c>_strata.seeds</c>, in the transaction that loads the table.
/// </summary>
internal sealed class SeedMaterialization(IWarehouse warehouse, ModelCompiler compiler) : IMaterialization
{
    /// <summary>Parameters per INSERT statement: well under every engine's limit.</summary>
    private const int ParametersPerStatement = 8_000;

    public async Task<Built> BuildAsync(Model model, RelationKind existing, bool fullRefresh, CancellationToken cancellationToken)
    {
        var seed = model.Seed ?? throw new InvalidOperationException($"{model.Name} is not a seed");
        var content = await File.ReadAllBytesAsync(seed.File, cancellationToken);
        var hash = Hash(content, seed);
        await StrataSchema.EnsureAsync(warehouse, cancellationToken);
        var stored = await warehouse.QueryAsync(
            StrataSchema.Seeds.SelectSql(warehouse, $"WHERE seed = {warehouse.Parameter(1)}"), [model.Name], cancellationToken);
        if (!fullRefresh && existing == RelationKind.Table && stored.Count == 1 && (string?)stored[0][1] == hash)
        {
            return new Built(TransformMetadata.Long(stored[0][2]), Unchanged: true);
        }

        var csv = SeedCsv.Read(content, model.Path, seed.Delimiter);
        var types = csv.Columns.Select((c, i) => seed.ColumnTypes.TryGetValue(c, out var type) ? type : warehouse.TypeName(csv.InferType(i))).ToList();
        var (schema, name) = model.Relation;
        var relation = compiler.Relation(model);
        await using var build = await ModelBuild.BeginAsync(warehouse, cancellationToken);
        if (!warehouse.Capabilities.TransactionalDdl)
        {
            // The drop and create below commit on their own: the stored hash goes first, so that a load failing after
            // them (an empty table) is not taken for an unchanged seed by the next run, which loads it again.
            await build.Definitions.ExecuteAsync($"DELETE FROM {StrataSchema.Seeds.Qualified(warehouse)} WHERE seed = {warehouse.Parameter(1)}", [model.Name], cancellationToken);
        }

        if (existing != RelationKind.None)
        {
            await build.DefineAsync(warehouse.DropRelationSql(schema, name, existing == RelationKind.View), cancellationToken);
        }

        await build.DefineAsync(
            $"CREATE TABLE {relation} ({string.Join(", ", csv.Columns.Select((c, i) => $"{warehouse.Quote(c)} {types[i]}"))})", cancellationToken);
        var perStatement = Math.Max(1, ParametersPerStatement / csv.Columns.Count);
        foreach (var chunk in csv.Rows.Chunk(perStatement))
        {
            var values = string.Join(", ", chunk.Select((_, r) =>
                "(" + string.Join(", ", types.Select((type, c) => $"CAST({warehouse.Parameter((r * types.Count) + c + 1)} AS {type})")) + ")"));
            await build.WriteAsync(
                $"INSERT INTO {relation} ({string.Join(", ", csv.Columns.Select(warehouse.Quote))}) VALUES {values}",
                chunk.SelectMany(row => row.Cast<object?>()).ToList(), cancellationToken);
        }

        await build.WriteAsync(
            warehouse.UpsertSql(StrataSchema.Name, StrataSchema.Seeds.Name, StrataSchema.Seeds.Columns.Select(c => c.Name).ToList(), StrataSchema.Seeds.Key!),
            [model.Name, hash, (long)csv.Rows.Count, DateTime.UtcNow], cancellationToken);
        await build.CommitAsync(cancellationToken);
        return csv.Rows.Count;
    }

    private static string Hash(byte[] file, SeedOptions seed)
    {
        var settings = string.Join("\n", seed.ColumnTypes.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => $"{t.Key}={t.Value}")) + "\n" + seed.Delimiter;
        return Convert.ToHexString(SHA256.HashData([.. file, .. Encoding.UTF8.GetBytes(settings)])).ToLower(CultureInfo.InvariantCulture);
    }
}
