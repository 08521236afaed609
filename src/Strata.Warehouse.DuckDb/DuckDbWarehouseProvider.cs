using Strata.Configuration;

namespace Strata.Warehouse.DuckDb;

/// <summary>The embedded DuckDB file at <c>warehouse.path</c>.</summary>
public sealed class DuckDbWarehouseProvider : IWarehouseProvider
{
    /// <inheritdoc />
    public string Engine => "duckdb";

    /// <inheritdoc />
    public bool SingleProcess => true;

    /// <inheritdoc />
    public bool MayExist(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return File.Exists(config.FullPath(Settings.WarehousePath));
    }

    /// <inheritdoc />
    public async Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var path = config.FullPath(Settings.WarehousePath)!;
        try
        {
            return await DuckDbWarehouse.OpenAsync(path, cancellationToken);
        }
        catch (WarehouseException ex) when (ex.InUse && File.Exists(config.HostFilePath))
        {
            throw new WarehouseException(
                $"strata up is running for this project and owns the DuckDB warehouse {path}; while it runs, `strata status`, `strata ingest status`, " +
                "`strata reconcile` and `strata report run` go through it — stop it (Ctrl+C) for other commands, or use the PostgreSQL warehouse", ex, WarehouseErrorKind.InUse);
        }
    }
}
