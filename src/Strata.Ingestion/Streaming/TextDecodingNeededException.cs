using Strata.Ingestion.Catalog;

namespace Strata.Ingestion.Streaming;

/// <summary>
/// The binary stream met what only the text stream carries exactly (<see cref="BinaryValues"/>): a table with a
/// column without a binary reader, or a value bronze cannot hold, whose text the quarantine keeps. Nothing of its
/// transaction was written; the stream starts again as text from the checkpoint.
/// </summary>
internal sealed class TextDecodingNeededException(SourceTable table, string why, Exception? inner = null)
    : Exception($"{table.DisplayName}: {why}; streaming again as text from the checkpoint", inner);
