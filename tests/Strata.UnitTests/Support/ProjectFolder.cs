namespace Strata.UnitTests.Support;

/// <summary>A temporary folder of files (an analytics project, a strata.yml), removed when disposed.</summary>
internal sealed class ProjectFolder : IDisposable
{
    public ProjectFolder(IReadOnlyDictionary<string, string>? files = null)
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "strata-unit", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
        foreach (var (name, text) in files ?? new Dictionary<string, string>())
        {
            Write(name, text);
        }
    }

    public string Path { get; }

    public string Write(string name, string text)
    {
        var file = System.IO.Path.Combine(Path, name);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(file)!);
        File.WriteAllText(file, text);
        return file;
    }

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
