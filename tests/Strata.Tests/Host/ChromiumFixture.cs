using Microsoft.Playwright;

namespace Strata.Tests.Host;

/// <summary>
/// One headless Chromium for a test class: Debian's <c>chromium</c> package driven by Playwright's bundled node driver,
/// so nothing is downloaded. A missing browser fails the tests rather than skipping them, so CI cannot pass without it.
/// </summary>
public sealed class ChromiumFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    /// <summary>The running browser.</summary>
    public IBrowser Browser { get; private set; } = null!;

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        var executable = FindChromium()
            ?? throw new InvalidOperationException("Chromium is not installed (no chromium on PATH); run scripts/install-prerequisites, which installs Debian's chromium package.");
        _playwright = await Playwright.CreateAsync();
        // Root (as in CI) cannot use Chromium's sandbox.
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = executable, Headless = true, Args = ["--no-sandbox"] });
        // Pages are served while the host ingests and transforms on two cores: allow more than Playwright's 5 s.
        Assertions.SetDefaultExpectTimeout(15_000);
    }

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    private static string? FindChromium() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, "chromium"))
            .FirstOrDefault(File.Exists);
}
