using Strata.Warehouse;
using Strata.Warehouse.Metadata;

namespace Strata.Reports.Delivery;

/// <summary>Every delivery attempt, in <c>_strata.report_deliveries</c>.</summary>
internal sealed class DeliveryLog(IWarehouse warehouse)
{
    private static readonly StrataTable Table = StrataSchema.ReportDeliveries;

    public Task EnsureAsync(CancellationToken cancellationToken) => StrataSchema.EnsureAsync(warehouse, cancellationToken);

    public Task RecordAsync(DeliveryRecord record, CancellationToken cancellationToken) =>
        warehouse.ExecuteAsync(
            Table.InsertSql(warehouse),
            [record.DeliveredAt, record.Report, record.Target, record.Format, (long)record.Attempt, record.Rows, record.Bytes, (long)record.Duration.TotalMilliseconds, record.Status, record.Error],
            cancellationToken);

    public async Task<IReadOnlyList<DeliveryRecord>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        if (await warehouse.GetColumnsAsync(StrataSchema.Name, Table.Name, cancellationToken) is null)
        {
            return [];
        }

        // By name, not SELECT *: a column a later schema adds never shifts these positions.
        var rows = await warehouse.QueryAsync(Table.SelectSql(warehouse, $"ORDER BY delivered_at DESC LIMIT {limit}"), null, cancellationToken);
        return rows.Select(r => new DeliveryRecord(
            (DateTime)r[0]!, (string)r[1]!, (string)r[2]!, (string)r[3]!, (int)Convert.ToInt64(r[4], System.Globalization.CultureInfo.InvariantCulture),
            Convert.ToInt64(r[5], System.Globalization.CultureInfo.InvariantCulture), Convert.ToInt64(r[6], System.Globalization.CultureInfo.InvariantCulture),
            TimeSpan.FromMilliseconds(Convert.ToInt64(r[7], System.Globalization.CultureInfo.InvariantCulture)), (string)r[8]!, r[9] as string)).ToList();
    }
}

/// <summary>One delivery attempt.</summary>
/// <param name="DeliveredAt">When (UTC).</param>
/// <param name="Report">The report.</param>
/// <param name="Target"><c>folder:PATH</c> or <c>email:ADDRESS</c>.</param>
/// <param name="Format">Formats delivered (comma-separated).</param>
/// <param name="Attempt">1 for the first try.</param>
/// <param name="Rows">Rows in the report.</param>
/// <param name="Bytes">Bytes of the files.</param>
/// <param name="Duration">How long it took.</param>
/// <param name="Status"><c>delivered</c> or <c>failed</c>.</param>
/// <param name="Error">Why it failed.</param>
public sealed record DeliveryRecord(
    DateTime DeliveredAt, string Report, string Target, string Format, int Attempt, long Rows, long Bytes, TimeSpan Duration, string Status, string? Error);
