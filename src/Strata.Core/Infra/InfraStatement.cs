namespace Strata.Infra;

/// <summary>
/// One statement of a change: the text a plan shows, and the text apply runs. They differ only where a secret goes
/// (a login's password is read or generated when the statement runs, and never shown).
/// </summary>
/// <param name="Shown">What the plan prints.</param>
/// <param name="Sql">Builds the statement to run; null means <paramref name="Shown"/> is run as it is.</param>
public sealed record InfraStatement(string Shown, Func<string>? Sql = null)
{
    /// <summary>The statement to run.</summary>
    public string ToRun() => Sql?.Invoke() ?? Shown;

    /// <summary>A statement with no secret in it.</summary>
    public static implicit operator InfraStatement(string sql) => new(sql);

    /// <summary>A statement with no secret in it.</summary>
    public static InfraStatement FromString(string sql) => new(sql);
}
