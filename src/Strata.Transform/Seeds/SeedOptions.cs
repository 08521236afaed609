namespace Strata.Transform.Seeds;

/// <summary>What makes a model a seed: its CSV file and how to read it.</summary>
/// <param name="File">The CSV file's full path.</param>
/// <param name="ColumnTypes">Engine type names for columns whose inferred type is not wanted (<c>column_types</c>).</param>
/// <param name="Delimiter">The field delimiter (<c>delimiter</c>, default a comma).</param>
internal sealed record SeedOptions(string File, IReadOnlyDictionary<string, string> ColumnTypes, string Delimiter);
