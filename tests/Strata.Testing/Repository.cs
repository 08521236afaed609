namespace Strata.Testing;

/// <summary>The repository the tests were built from.</summary>
public static class Repository
{
    /// <summary>The repository's folder (where Strata.slnx is).</summary>
    public static string Root
    {
        get
        {
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Strata.slnx")))
            {
                directory = directory.Parent;
            }

            return directory?.FullName ?? throw new InvalidOperationException("no Strata.slnx above " + AppContext.BaseDirectory);
        }
    }
}
