using System.Runtime.InteropServices;
using Strata.Cli;
using Strata.Cli.Infrastructure;

using var stop = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // First Ctrl+C stops cleanly; a second one ends the process at once.
    e.Cancel = !stop.IsCancellationRequested;
    stop.Cancel();
};
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    stop.Cancel();
});

return await StrataApp.RunAsync(args, CliRuntime.FromProcess(), stop.Token);
