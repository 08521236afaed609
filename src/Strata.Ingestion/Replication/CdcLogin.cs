using Strata.Configuration;
using Strata.Source;
using Strata.Source.Connection;

namespace Strata.Ingestion.Replication;

/// <summary>The login ingestion, status and reconcile use on the source: it reads the publication and owns the slots.</summary>
internal static class CdcLogin
{
    /// <summary>The source as the CDC login; without its password, one line says where it comes from.</summary>
    public static SourceEndpoint Endpoint(StrataConfig config, SourceSettings source)
    {
        var password = config.Secret(Settings.SourceCdcPassword)
            ?? throw new IngestionException(
                $"no password for the CDC login {source.CdcUser}: run `strata source init` (it generates one) or set {Settings.SourceCdcPassword.EnvironmentVariable}");
        return SourceEndpoint.From(config, source).As(source.CdcUser, password, Settings.SourceCdcPassword);
    }
}
