using System.Globalization;
using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Host.Alerts;

/// <summary><c>_strata.alerts</c>: every alert the host fired, its notices and its recovery — kept across restarts.</summary>
public sealed class AlertStore(IWarehouse warehouse)
{
    private static readonly StrataTable Table = StrataSchema.Alerts;

    /// <summary>Creates the table when missing.</summary>
    public Task EnsureAsync(CancellationToken cancellationToken = default) => StrataSchema.EnsureAsync(warehouse, cancellationToken);

    /// <summary>Alerts still firing, or resolved with a recovery notice still owed.</summary>
    public Task<IReadOnlyList<Alert>> OpenAsync(CancellationToken cancellationToken = default) =>
        ReadAsync($"WHERE status = 'firing' OR NOT recovery_sent ORDER BY fired_at", cancellationToken);

    /// <summary>The newest alerts first.</summary>
    public Task<IReadOnlyList<Alert>> RecentAsync(int limit, CancellationToken cancellationToken = default) =>
        ReadAsync($"ORDER BY fired_at DESC LIMIT {limit}", cancellationToken);

    /// <summary>Records a new alert.</summary>
    public Task InsertAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        return warehouse.ExecuteAsync(Table.InsertSql(warehouse), Values(alert), cancellationToken);
    }

    /// <summary>Records what changed in an alert.</summary>
    public Task UpdateAsync(Alert alert, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(alert);
        var p = warehouse.Parameter;
        return warehouse.ExecuteAsync(
            $"UPDATE {Table.Qualified(warehouse)} SET status = {p(2)}, message = {p(3)}, last_sent_at = {p(4)}, resolved_at = {p(5)}, " +
            $"notifications = {p(6)}, recovery_sent = {p(7)}, error = {p(8)} WHERE alert_id = {p(1)}",
            [alert.Id, alert.Status, alert.Message, alert.LastSentAt, alert.ResolvedAt, alert.Notifications, alert.RecoverySent, alert.Error], cancellationToken);
    }

    private static object?[] Values(Alert a) =>
        [a.Id, a.Rule, a.Subject, a.Status, a.Message, a.FiredAt, a.LastSentAt, a.ResolvedAt, a.Notifications, a.RecoverySent, a.Error];

    private async Task<IReadOnlyList<Alert>> ReadAsync(string rest, CancellationToken cancellationToken)
    {
        var rows = await warehouse.QueryAsync(Table.SelectSql(warehouse, rest), null, cancellationToken);
        return rows.Select(r => new Alert((string)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (string)r[4]!, Utc(r[5])!.Value, Utc(r[6]), Utc(r[7]),
            Convert.ToInt64(r[8], CultureInfo.InvariantCulture), (bool)r[9]!, (string?)r[10])).ToList();
    }

    private static DateTime? Utc(object? value) => value is DateTime d ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : null;
}
