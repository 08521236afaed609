using Strata.Configuration;

namespace Strata.Warehouse;

/// <summary>
/// How an engine's adapter opens its warehouse from <c>warehouse.*</c>. Each adapter project has one; the composition
/// root (<c>Strata.Platform</c>) lists them, and nothing else names an engine.
/// </summary>
public interface IWarehouseProvider
{
    /// <summary>The value of <c>warehouse.engine</c> that selects it.</summary>
    string Engine { get; }

    /// <summary>Whether one process at a time may open it (an embedded file): while <c>strata up</c> holds it, the CLI goes through the host.</summary>
    bool SingleProcess { get; }

    /// <summary>Whether the warehouse may already exist, so that looking into it is worth it: false for an embedded file not yet created (opening would create it).</summary>
    bool MayExist(StrataConfig config);

    /// <summary>Opens the warehouse the configuration describes; a failure is a <see cref="WarehouseException"/> saying what to fix.</summary>
    Task<IWarehouse> OpenAsync(StrataConfig config, CancellationToken cancellationToken = default);
}

/// <summary>Opens the configured warehouse: what services that open their own handles are given, so they never name an engine.</summary>
public delegate Task<IWarehouse> OpenWarehouse(CancellationToken cancellationToken);
