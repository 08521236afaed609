using Npgsql;

namespace Strata.Host.Jobs;

/// <summary>Failures a later attempt may not meet: the network, a restarting server, a busy warehouse.</summary>
internal static class TransientFailures
{
    public static bool Are(Exception exception) => exception switch
    {
        Errors.StrataException strata => strata.IsTransient || (strata.InnerException is { } inner && Are(inner)),
        PostgresException pg => pg.SqlState.StartsWith("08", StringComparison.Ordinal) || pg.SqlState.StartsWith("57P", StringComparison.Ordinal)
            || pg.SqlState is "40001" or "40P01",
        NpgsqlException => true,
        IOException or System.Net.Sockets.SocketException or TimeoutException => true,
        _ => false,
    };
}
