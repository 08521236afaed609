using Strata.Ingestion.Catalog;
using Strata.Warehouse;

namespace Strata.Ingestion.Streaming;

/// <summary>
/// The changes of one large source transaction, kept in a file instead of memory until its commit arrives, then read
/// back in parts. The file is removed when disposed; <see cref="Sweep"/> removes those a killed process left behind.
/// A transaction the server streams while it runs (pgoutput v2) may abort a subtransaction: its changes are skipped
/// on reading back.
/// </summary>
internal sealed class SpillFile : IDisposable
{
    private readonly FileStream _stream;
    private readonly BinaryWriter _writer;
    private readonly List<SourceTable> _tables = [];
    private readonly Dictionary<SourceTable, int> _tableIndex = [];
    private readonly List<(Change Change, uint Subtransaction)> _failures = [];
    private readonly HashSet<uint> _aborted = [];

    public SpillFile(string directory)
    {
        Files.OwnerOnly.CreateDirectory(directory);
        Path = System.IO.Path.Combine(directory, $"{Guid.NewGuid():N}.spill");
        _stream = new FileStream(Path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20, FileOptions.DeleteOnClose);
        _writer = new BinaryWriter(_stream, System.Text.Encoding.UTF8, leaveOpen: true);
    }

    public string Path { get; }

    /// <summary>Changes added, those of aborted subtransactions included.</summary>
    public int Count { get; private set; }

    /// <summary>Removes the spill files of earlier runs (they died before their transaction's commit was written).</summary>
    public static void Sweep(string directory)
    {
        if (Directory.Exists(directory))
        {
            foreach (var file in Directory.EnumerateFiles(directory, "*.spill"))
            {
                File.Delete(file);
            }
        }
    }

    /// <param name="change">The change.</param>
    /// <param name="subtransaction">The (sub)transaction it belongs to, when the server streams the transaction while it runs.</param>
    public void Add(Change change, uint subtransaction = 0)
    {
        if (!_tableIndex.TryGetValue(change.Table, out var table))
        {
            _tableIndex[change.Table] = table = _tables.Count;
            _tables.Add(change.Table);
        }

        _writer.Write(table);
        _writer.Write(subtransaction);
        _writer.Write(change.Operation);
        _writer.Write(change.Sequence);
        _writer.Write(change.Error is not null);
        if (change.Error is not null)
        {
            _writer.Write(change.Error);
            if (_failures.TrueForAll(f => f.Change.Table.BronzeName != change.Table.BronzeName || f.Subtransaction != subtransaction))
            {
                _failures.Add((change, subtransaction));
            }
        }

        _writer.Write(change.Values.Count);
        foreach (var (name, value) in change.Values)
        {
            _writer.Write(name);
            WriteValue(value);
        }

        Count++;
    }

    /// <summary>Leaves out the changes of <paramref name="subtransaction"/>, rolled back at the source.</summary>
    public void Abort(uint subtransaction) => _aborted.Add(subtransaction);

    /// <summary>
    /// The first change of each table that could not be converted, known before the file is read back, as of the
    /// transaction's commit.
    /// </summary>
    public IEnumerable<Change> Failures(ulong lsn, DateTime commitTime) =>
        _failures.Where(f => !_aborted.Contains(f.Subtransaction)).Select(f => f.Change with { Lsn = lsn, CommitTime = commitTime })
            .GroupBy(c => c.Table.BronzeName, StringComparer.Ordinal).Select(g => g.First());

    /// <summary>Reads the changes back in order, <paramref name="partSize"/> at a time, each stamped with the transaction's commit.</summary>
    public IEnumerable<IReadOnlyList<Change>> Read(int partSize, ulong lsn, long? transactionId, DateTime commitTime)
    {
        _writer.Flush();
        _stream.Position = 0;
        using var reader = new BinaryReader(_stream, System.Text.Encoding.UTF8, leaveOpen: true);
        var part = new List<Change>(Math.Min(partSize, Count));
        for (var i = 0; i < Count; i++)
        {
            var table = _tables[reader.ReadInt32()];
            var skip = _aborted.Contains(reader.ReadUInt32());
            var operation = reader.ReadChar();
            var sequence = reader.ReadInt32();
            var error = reader.ReadBoolean() ? reader.ReadString() : null;
            var count = reader.ReadInt32();
            var values = new Dictionary<string, object?>(count, StringComparer.Ordinal);
            for (var v = 0; v < count; v++)
            {
                values[reader.ReadString()] = ReadValue(reader);
            }

            if (skip)
            {
                continue;
            }

            part.Add(new Change(table, operation, values, lsn, sequence, transactionId, commitTime) { Error = error });
            if (part.Count == partSize)
            {
                yield return part;
                part = new List<Change>(partSize);
            }
        }

        if (part.Count > 0)
        {
            yield return part;
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _stream.Dispose();
    }

    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null: _writer.Write((byte)0); break;
            case string s: _writer.Write((byte)1); _writer.Write(s); break;
            case long l: _writer.Write((byte)2); _writer.Write(l); break;
            case int i: _writer.Write((byte)3); _writer.Write(i); break;
            case short h: _writer.Write((byte)4); _writer.Write(h); break;
            case decimal m: _writer.Write((byte)5); _writer.Write(m); break;
            case bool b: _writer.Write((byte)6); _writer.Write(b); break;
            case double d: _writer.Write((byte)7); _writer.Write(d); break;
            case float f: _writer.Write((byte)8); _writer.Write(f); break;
            case DateTime t: _writer.Write((byte)9); _writer.Write(t.ToBinary()); break;
            case DateOnly date: _writer.Write((byte)10); _writer.Write(date.DayNumber); break;
            case TimeOnly time: _writer.Write((byte)11); _writer.Write(time.Ticks); break;
            case Guid g: _writer.Write((byte)12); _writer.Write(g.ToByteArray()); break;
            case byte[] bytes: _writer.Write((byte)13); _writer.Write(bytes.Length); _writer.Write(bytes); break;
            case TimeSpan span: _writer.Write((byte)14); _writer.Write(span.Ticks); break;
            case Infinite infinite: _writer.Write((byte)15); _writer.Write(infinite.IsNegative); break;
            default: throw new InvalidOperationException($"no spill encoding for {value.GetType()}");
        }
    }

    private static object? ReadValue(BinaryReader reader) => reader.ReadByte() switch
    {
        0 => null,
        1 => reader.ReadString(),
        2 => reader.ReadInt64(),
        3 => reader.ReadInt32(),
        4 => reader.ReadInt16(),
        5 => reader.ReadDecimal(),
        6 => reader.ReadBoolean(),
        7 => reader.ReadDouble(),
        8 => reader.ReadSingle(),
        9 => DateTime.FromBinary(reader.ReadInt64()),
        10 => DateOnly.FromDayNumber(reader.ReadInt32()),
        11 => new TimeOnly(reader.ReadInt64()),
        12 => new Guid(reader.ReadBytes(16)),
        13 => reader.ReadBytes(reader.ReadInt32()),
        14 => new TimeSpan(reader.ReadInt64()),
        15 => new Infinite(reader.ReadBoolean()),
        var tag => throw new InvalidDataException($"spill file damaged (value tag {tag})"),
    };
}
