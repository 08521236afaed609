using Npgsql;
using Strata.Ingestion;

namespace Strata.Host.Jobs;

/// <summary>
/// Failures a later attempt of a job may not meet: what ingestion retries (the network, a restarting server), also
/// when a Strata error wraps it, and a serialization failure or deadlock in the warehouse.
/// </summary>
internal static class TransientFailures
{
    public static bool Are(Exception exception) => IngestionService.IsTransient(exception) || exception switch
    {
        Errors.StrataException { InnerException: { } inner } => Are(inner),
        PostgresException { SqlState: "40001" or "40P01" } => true,
        _ => false,
    };
}
