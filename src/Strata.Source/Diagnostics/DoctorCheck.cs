namespace Strata.Source.Diagnostics;

/// <summary>The outcome of one <c>strata doctor</c> check.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Ok">True when it is as Strata needs it.</param>
/// <param name="Detail">What was found.</param>
/// <param name="Fix">What to do when it is not ok.</param>
public sealed record DoctorCheck(string Name, bool Ok, string Detail, string? Fix = null);
