using System.Diagnostics;
using Strata.Output;

namespace Strata.Cli.Output;

/// <summary>Progress as plain lines: every few seconds one line per unfinished task, and one line as each finishes.</summary>
internal sealed class PlainProgressBoard(TextWriter output) : IProgressBoard
{
    private readonly List<PlainTask> _tasks = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public IProgressTask Add(string name, long total)
    {
        var task = new PlainTask(name, total);
        lock (_tasks)
        {
            _tasks.Add(task);
        }

        return task;
    }

    public void Print(bool final = false)
    {
        lock (_tasks)
        {
            foreach (var task in _tasks.Where(t => !t.Reported))
            {
                var done = task.Done;
                var finished = done >= task.Total;
                if (!finished && final)
                {
                    continue;
                }

                var seconds = Math.Max(_clock.Elapsed.TotalSeconds, 1e-3);
                output.WriteLine(finished
                    ? $"{task.Name}: {done:N0} done"
                    : $"{task.Name}: {done:N0} of {task.Total:N0} ({100.0 * done / Math.Max(task.Total, 1):0}%, {done / seconds:N0}/s)");
                task.Reported = finished;
            }
        }
    }

    private sealed class PlainTask(string name, long total) : IProgressTask
    {
        private long _done;

        public string Name => name;

        public long Total => total;

        public long Done => Interlocked.Read(ref _done);

        public bool Reported { get; set; }

        public void Increment(long amount) => Interlocked.Add(ref _done, amount);
    }
}
