using Strata.Ingestion;
using Strata.Ingestion.Bronze;
using Strata.Ingestion.Catalog;
using Strata.Ingestion.Streaming;
using Strata.UnitTests.Support;

namespace Strata.UnitTests;

/// <summary>
/// Which changes of a write land in bronze and which the quarantine holds: a table is held from the source
/// transaction of its first failing change on, never in part of a transaction, and other tables are not touched.
/// </summary>
public sealed class QuarantineSplitTests : IDisposable
{
    private static readonly SourceTable Ledger = new("operations", "ledger", [PgOutputDecodingTests.Column("id", "int4", isKey: true)]);
    private static readonly SourceTable Notes = new("operations", "notes", [PgOutputDecodingTests.Column("id", "int4", isKey: true)]);

    private readonly ProjectFolder _spill = new();

    public void Dispose() => _spill.Dispose();

    private static Change Of(SourceTable table, ulong lsn, int sequence, string? error = null) =>
        new(table, 'c', PgOutputDecodingTests.Row(("id", sequence)), lsn, sequence, 1, DateTime.UnixEpoch) { Error = error };

    private static async Task<Quarantine> EmptyAsync() => await Quarantine.LoadAsync(new RecordingWarehouse(), "p", CancellationToken.None);

    [Fact]
    public async Task A_failing_change_holds_its_table_from_its_transaction_on_and_leaves_other_tables_alone()
    {
        var quarantine = await EmptyAsync();
        var newly = new Dictionary<string, Change>(StringComparer.Ordinal);
        Change[] batch =
        [
            Of(Ledger, 10, 0), Of(Notes, 10, 1),
            Of(Ledger, 20, 0), Of(Ledger, 20, 1, "value 'x' of operations.ledger.id cannot be stored"), Of(Notes, 20, 2),
            Of(Ledger, 30, 0), Of(Notes, 30, 1),
        ];

        var (landed, held) = quarantine.Split(batch, newly);

        Assert.Equal([(10UL, "operations.ledger"), (10UL, "operations.notes"), (20UL, "operations.notes"), (30UL, "operations.notes")],
            landed.Select(c => (c.Lsn, c.Table.DisplayName)));
        Assert.Equal([(20UL, 0), (20UL, 1), (30UL, 0)], held.Select(c => (c.Lsn, c.Sequence)));
        Assert.Equal(["operations__ledger"], newly.Keys);
        Assert.Empty(quarantine.Tables); // held only once the write commits
    }

    [Fact]
    public async Task A_held_table_keeps_every_change_until_released_and_is_reported_once()
    {
        var quarantine = await EmptyAsync();
        var told = new List<IReadOnlyList<string>>();
        quarantine.Changed = told.Add;
        var first = Of(Ledger, 20, 1, "bad");

        Assert.Equal([first], quarantine.Hold([first]));
        Assert.Empty(quarantine.Hold([Of(Ledger, 40, 0, "bad again")]));
        var (landed, held) = quarantine.Split([Of(Ledger, 50, 0), Of(Notes, 50, 1)], new Dictionary<string, Change>(StringComparer.Ordinal));

        Assert.Equal(["operations.notes"], landed.Select(c => c.Table.DisplayName));
        Assert.Equal(["operations.ledger"], held.Select(c => c.Table.DisplayName));
        Assert.True(quarantine.Holds("operations__ledger"));

        quarantine.Release("operations__ledger");
        Assert.Empty(quarantine.Split([Of(Ledger, 60, 0)], new Dictionary<string, Change>(StringComparer.Ordinal)).Held);
        Assert.Equal([["operations.ledger"], []], told);
    }

    [Fact]
    public void A_spilled_transaction_keeps_each_change_error_and_knows_its_failures_before_it_is_read()
    {
        using var spill = new SpillFile(_spill.Path);
        spill.Add(Of(Ledger, 70, 0));
        spill.Add(Of(Ledger, 70, 1, "first failure"));
        spill.Add(Of(Ledger, 70, 2, "second failure"));
        spill.Add(Of(Notes, 70, 3));

        var failure = Assert.Single(spill.Failures(70, DateTime.UnixEpoch));
        Assert.Equal(1, failure.Sequence);
        var read = spill.Read(10, 70, 1, DateTime.UnixEpoch).SelectMany(p => p).ToList();
        Assert.Equal([null, "first failure", "second failure", null], read.Select(c => c.Error));
    }
}
