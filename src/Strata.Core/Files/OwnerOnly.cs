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

    /// <summary>Creates <paramref name="path"/> and its missing parents owner-only; an existing folder is left as it is.</summary>
    public static string CreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
        }
        else if (!System.IO.Directory.Exists(path))
        {
            // The mode given to Directory.CreateDirectory applies to the last folder only: make each missing parent
            // the same way, outermost first.
            if (Path.GetDirectoryName(Path.GetFullPath(path)) is { } parent)
            {
                CreateDirectory(parent);
            }

            System.IO.Directory.CreateDirectory(path, Directory);
        }

        return path;
    }

    /// <summary>Writes <paramref name="text"/> to a new or replaced file readable by its owner only.</summary>
    public static void WriteAllText(string path, string text)
    {
        using var writer = new StreamWriter(new FileStream(path, WriteOptions(FileMode.Create)));
        writer.Write(text);
    }

    /// <summary>Options that open a file for writing and create it readable by its owner only.</summary>
    public static FileStreamOptions WriteOptions(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File;
        }

        return options;
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
