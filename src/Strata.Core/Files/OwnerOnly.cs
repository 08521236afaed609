namespace Strata.Files;

/// <summary>
/// Folders and files only their owner may read: Strata's state (<c>.strata/</c>), the embedded warehouse, report
/// outputs and the password file initdb reads. Other users of the machine see nothing of the data or the secrets.
/// </summary>
public static class OwnerOnly
{
    /// <summary>rwx for the owner only.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>rw for the owner only.</summary>
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) owner-only; an existing folder is left as it is.</summary>
    public static string CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else if (!System.IO.Directory.Exists(path))
        {
            System.IO.Directory.CreateDirectory(path, Directory);
        }

        return path;
    }

    /// <summary>Writes <paramref name="text"/> to a new or replaced file readable by its owner only.</summary>
    public static void WriteAllText(string path, string text)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File;
        }

        using var writer = new StreamWriter(new FileStream(path, options));
        writer.Write(text);
    }

    /// <summary>Makes an existing file owner-only where this process may (a file of another user is left alone).</summary>
    public static void Restrict(string path)
    {
        if (OperatingSystem.IsWindows() || !System.IO.File.Exists(path))
        {
            return;
        }

        try
        {
            System.IO.File.SetUnixFileMode(path, File);
        }
        catch (UnauthorizedAccessException)
        {
            // Not ours to change: its owner chose.
        }
    }
}
