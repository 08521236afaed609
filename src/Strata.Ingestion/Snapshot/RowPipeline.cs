using System.Threading.Channels;

namespace Strata.Ingestion.Snapshot;

/// <summary>
/// Rows handed from one producer to one consumer in batches of arrays that are filled, consumed and reused: a
/// snapshot reads and converts the source's rows on one core while the warehouse's appender takes the previous
/// batch on the other, instead of the two taking turns. Order is kept; at most <see cref="Depth"/> batches wait.
/// </summary>
internal sealed class RowPipeline
{
    private const int BatchRows = 1_024;
    private const int Depth = 4;

    private readonly Channel<Batch> _full = Channel.CreateBounded<Batch>(new BoundedChannelOptions(Depth) { SingleReader = true, SingleWriter = true });
    private readonly Channel<Batch> _free = Channel.CreateUnbounded<Batch>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private Batch _current;

    /// <param name="width">The values of a row.</param>
    public RowPipeline(int width)
    {
        _current = new Batch(width);
        for (var i = 0; i < Depth; i++)
        {
            _free.Writer.TryWrite(new Batch(width));
        }
    }

    /// <summary>The producer's next row to fill, valid until its next call: the previous batch is handed over once full.</summary>
    public async ValueTask<object?[]> NextAsync(CancellationToken cancellationToken)
    {
        if (_current.Count == BatchRows)
        {
            await _full.Writer.WriteAsync(_current, cancellationToken);
            _current = await _free.Reader.ReadAsync(cancellationToken);
            _current.Count = 0;
        }

        return _current.Rows[_current.Count++];
    }

    /// <summary>The producer is done: the last rows are handed over and the consumer ends after them.</summary>
    public async Task CompleteAsync(CancellationToken cancellationToken)
    {
        if (_current.Count > 0)
        {
            await _full.Writer.WriteAsync(_current, cancellationToken);
        }

        _full.Writer.Complete();
    }

    /// <summary>The producer failed: the consumer stops with <paramref name="error"/>.</summary>
    public void Fail(Exception error) => _full.Writer.TryComplete(error);

    /// <summary>The consumer: each row, in order, until the producer completes (or fails, which this then throws).</summary>
    public async Task ConsumeAsync(Action<object?[]> consume, CancellationToken cancellationToken)
    {
        await foreach (var batch in _full.Reader.ReadAllAsync(cancellationToken))
        {
            for (var i = 0; i < batch.Count; i++)
            {
                consume(batch.Rows[i]);
            }

            _free.Writer.TryWrite(batch);
        }
    }

    private sealed class Batch(int width)
    {
        public object?[][] Rows { get; } = [.. Enumerable.Range(0, BatchRows).Select(_ => new object?[width])];

        public int Count { get; set; }
    }
}
