namespace Strata.Ingestion;

/// <summary>What <c>strata reconcile</c> found.</summary>
/// <param name="Lsn">The source position compared at.</param>
/// <param name="Tables">Each table's comparison.</param>
public sealed record ReconcileResult(string Lsn, IReadOnlyList<ReconcileTable> Tables)
{
    /// <summary>Every table equal.</summary>
    public bool Equal => Tables.All(t => t.Equal);
}

/// <summary>One table compared.</summary>
/// <param name="Table">The source table.</param>
/// <param name="SourceRows">Rows in the source at the LSN.</param>
/// <param name="BronzeRows">Rows of the state rebuilt from bronze at the LSN.</param>
/// <param name="SourceChecksum">Order-independent checksum over every column, source side.</param>
/// <param name="BronzeChecksum">The same, bronze side.</param>
/// <param name="MismatchCount">Keys that differ.</param>
/// <param name="Mismatches">The first of them.</param>
public sealed record ReconcileTable(
    string Table, long SourceRows, long BronzeRows, string SourceChecksum, string BronzeChecksum, int MismatchCount, IReadOnlyList<string> Mismatches)
{
    /// <summary>Counts, checksums and keys all agree.</summary>
    public bool Equal => MismatchCount == 0 && SourceRows == BronzeRows && SourceChecksum == BronzeChecksum;
}
