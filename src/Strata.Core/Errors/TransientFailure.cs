using System.Data.Common;
using System.Net.Sockets;

namespace Strata.Errors;

/// <summary>
/// The one place that says whether a failure may not recur on a later attempt — for every retry loop: ingestion's
/// reconnects, job retries, report deliveries.
/// </summary>
public static class TransientFailure
{
    /// <summary>
    /// True for a Strata error that says so (a warehouse conflict or outage, an unreachable source), also when a Strata
    /// error wraps one; for a driver's own transient failure (<see cref="DbException.IsTransient"/>: a dropped
    /// connection, a serialization failure, a server restarting); and for network and time-out failures.
    /// </summary>
    public static bool Is(Exception exception) => exception switch
    {
        StrataException strata => strata.IsTransient || (strata.InnerException is StrataException inner && Is(inner)),
        DbException db => db.IsTransient,
        IOException or SocketException or TimeoutException => true,
        _ => false,
    };
}
