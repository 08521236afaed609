namespace Strata.Reports.Writers;

/// <summary>Writes a report's result to a stream in one format.</summary>
internal interface IReportWriter
{
    string Extension { get; }

    Task WriteAsync(ReportResult result, Stream output, CancellationToken cancellationToken);
}

/// <summary>The writers by format name, and the files they produce.</summary>
internal static class ReportWriters
{
    public static IReportWriter For(string format, bool escapeFormulas = true) => format switch
    {
        "csv" => new CsvReportWriter(escapeFormulas),
        "xlsx" => new XlsxReportWriter(),
        "html" => new HtmlReportWriter(),
        "json" => new JsonReportWriter(),
        _ => throw new Errors.UsageException($"--format {format}: formats are csv, xlsx, html, json, table"),
    };

    /// <summary>
    /// Writes <c>&lt;report&gt;_&lt;UTC time&gt;.&lt;ext&gt;</c> in <paramref name="folder"/>: to a temporary file first, then renamed,
    /// so nobody sees half a file; an existing file is never overwritten. CSV gets a sibling <c>.meta.json</c>.
    /// </summary>
    public static async Task<IReadOnlyList<string>> WriteFilesAsync(
        ReportResult result, string format, string folder, CancellationToken cancellationToken, bool escapeFormulas = true)
    {
        var writer = For(format, escapeFormulas);
        try
        {
            Files.OwnerOnly.CreateDirectory(folder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new Errors.UsageException($"cannot write reports to {folder}: {ex.Message}; choose a folder you can write to (--out)");
        }

        var stem = $"{Sanitise(result.Report.Name)}_{result.GeneratedAt:yyyyMMdd'T'HHmmss'Z'}";
        var path = Unused(folder, stem, writer.Extension);
        await WriteAtomicallyAsync(path, stream => writer.WriteAsync(result, stream, cancellationToken));
        var files = new List<string> { path };
        if (format == "csv")
        {
            var meta = Path.ChangeExtension(path, ".meta.json");
            await WriteAtomicallyAsync(meta, stream => JsonReportWriter.WriteMetadataAsync(result, stream, cancellationToken));
            files.Add(meta);
        }

        return files;
    }

    internal static string Sanitise(string name)
    {
        var clean = new string(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' ? c : '_').ToArray());
        return clean.Length == 0 ? "report" : clean;
    }

    private static string Unused(string folder, string stem, string extension)
    {
        var path = Path.Combine(folder, $"{stem}.{extension}");
        for (var n = 2; File.Exists(path); n++)
        {
            path = Path.Combine(folder, $"{stem}_{n}.{extension}");
        }

        return path;
    }

    private static async Task WriteAtomicallyAsync(string path, Func<Stream, Task> write)
    {
        var temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Guid.NewGuid():N}.tmp");
        try
        {
            await using (var stream = new FileStream(temporary, Files.OwnerOnly.WriteOptions(FileMode.CreateNew)))
            {
                await write(stream);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new Errors.UsageException($"cannot write {path}: {ex.Message}; choose a folder you can write to (--out)");
        }
    }
}
