using System.Globalization;
using CsvHelper;
using Strata.Warehouse;

namespace Strata.Transform.Seeds;

/// <summary>
/// A seed's CSV file read whole: a header row of column names, then rows of text (an empty field is NULL). Each
/// column's type is inferred from its values, as narrow as every value allows — boolean, integer, decimal, date,
/// timestamp, else text — unless <c>column_types</c> names it. Mistakes name the file and line.
/// </summary>
internal sealed class SeedCsv
{
    private SeedCsv(IReadOnlyList<string> columns, IReadOnlyList<string?[]> rows)
    {
        Columns = columns;
        Rows = rows;
    }

    /// <summary>Column names, in file order.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>The rows' values as written; null for an empty field.</summary>
    public IReadOnlyList<string?[]> Rows { get; }

    public static SeedCsv Read(string file, string path, string delimiter = ",") => Read(File.ReadAllBytes(file), path, delimiter);

    /// <summary>A seed from its file's bytes (already read to hash them).</summary>
    public static SeedCsv Read(byte[] content, string path, string delimiter = ",")
    {
        if (delimiter.Length != 1 || delimiter[0] > 127)
        {
            throw new TransformException($"{path}: delimiter must be one ASCII character, not '{delimiter}'");
        }

        try
        {
            return Parse(new StreamReader(new MemoryStream(content)), path, delimiter[0]);
        }
        catch (CsvFormatException ex)
        {
            throw new TransformException($"{path}: the seed is not valid CSV: {ex.Message.Split('\n')[0]}", ex);
        }
    }

    /// <summary>CSV text given inline (a unit test's rows), read as a seed file is.</summary>
    public static SeedCsv Parse(string text, string path)
    {
        try
        {
            return Parse(new StringReader(text), path, ',');
        }
        catch (CsvFormatException ex)
        {
            throw new TransformException($"{path}: the rows are not valid CSV: {ex.Message.Split('\n')[0]}", ex);
        }
    }

    private static SeedCsv Parse(TextReader text, string path, char delimiter)
    {
        var options = new CsvReaderOptions { Separator = delimiter, HasHeader = true, TrackLineNumbers = true, FormatProvider = CultureInfo.InvariantCulture };
        using var reader = CsvReader.Create(text, options, false);
        var columns = reader.Headers.Select(c => c.Trim()).ToList();
        if (columns.Count == 0)
        {
            throw new TransformException($"{path}:1: the seed is empty; its first line names the columns");
        }

        for (var i = 0; i < columns.Count; i++)
        {
            if (columns[i].Length == 0)
            {
                throw new TransformException($"{path}:1: column {i + 1} of the header has no name");
            }

            if (columns.IndexOf(columns[i]) != i)
            {
                throw new TransformException($"{path}:1: column {columns[i]} is named twice in the header");
            }
        }

        var rows = new List<string?[]>();
        while (reader.Read())
        {
            if (reader.FieldCount != columns.Count)
            {
                throw new TransformException($"{path}:{reader.LineNumber}: the row has {reader.FieldCount} values and the header {columns.Count} columns");
            }

            var row = new string?[columns.Count];
            for (var i = 0; i < row.Length; i++)
            {
                var value = reader.GetString(i);
                row[i] = value.Length == 0 ? null : value;
            }

            rows.Add(row);
        }

        return new SeedCsv(columns, rows);
    }

    /// <summary>The narrowest type that holds every value of column <paramref name="index"/>; text when it has none.</summary>
    public WarehouseType InferType(int index)
    {
        var values = Rows.Select(r => r[index]).OfType<string>().ToList();
        if (values.Count == 0)
        {
            return WarehouseType.Text;
        }

        if (values.All(v => bool.TryParse(v, out _)))
        {
            return new WarehouseType(WarehouseTypeKind.Boolean);
        }

        if (values.All(v => long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)))
        {
            return WarehouseType.Int64;
        }

        if (values.All(v => decimal.TryParse(v, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _)))
        {
            // Exact: as many fractional digits as the longest value has, within the portable 38 digits.
            var scale = values.Max(v => v.Contains('.', StringComparison.Ordinal) ? v.Length - v.IndexOf('.', StringComparison.Ordinal) - 1 : 0);
            var integer = values.Max(v => v.TrimStart('-', '+').Split('.')[0].Length);
            return integer + scale <= 38 ? new WarehouseType(WarehouseTypeKind.Decimal, 38, Math.Min(scale, 38 - integer)) : new WarehouseType(WarehouseTypeKind.Float64);
        }

        if (values.All(v => DateOnly.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _)))
        {
            return new WarehouseType(WarehouseTypeKind.Date);
        }

        string[] timestamps = ["yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd HH:mm:ss.FFFFFFF", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF"];
        return values.All(v => DateTime.TryParseExact(v, timestamps, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
            ? new WarehouseType(WarehouseTypeKind.Timestamp)
            : WarehouseType.Text;
    }
}
