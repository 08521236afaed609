namespace Strata.Infra;

/// <summary>One line of a plan: what it does to which object, and the statements that do it.</summary>
/// <param name="Part">Which side it belongs to: <c>source</c>, <c>warehouse</c> or <c>snowflake</c>.</param>
/// <param name="Action">Create, alter, revoke or grant.</param>
/// <param name="Subject">The object and, for a grant, the privilege and grantee, e.g. <c>SELECT on table gold.x to strata_reports</c>.</param>
/// <param name="Done">The line shown once applied (past tense), e.g. <c>created database finance_db</c>.</param>
/// <param name="Statements">What apply runs, in order.</param>
/// <param name="Database">The database the statements run in (PostgreSQL); null for the part's default.</param>
public sealed record PlannedChange(string Part, ChangeAction Action, string Subject, string Done, IReadOnlyList<InfraStatement> Statements, string? Database = null)
{
    /// <summary>
    /// True for a change only this machine needs: a login's new password because this machine's secret store lacks
    /// it. The servers did not drift, so <c>strata infra drift</c> (CI, without the secret store) leaves it out.
    /// </summary>
    public bool LocalOnly { get; init; }

    /// <summary>Work apply does instead of statements (e.g. creating Strata's metadata tables through the warehouse adapter).</summary>
    public Func<CancellationToken, Task>? Run { get; init; }

    /// <summary>The plan's line: <c>+ create database x</c>, <c>~ alter …</c>, <c>- revoke …</c>, <c>+ grant …</c>.</summary>
    public string Line => $"{Symbol(Action)} {Verb(Action)} {Subject}";

    /// <summary><c>+</c>, <c>~</c> or <c>-</c>.</summary>
    public static string Symbol(ChangeAction action) => action switch
    {
        ChangeAction.Alter => "~",
        ChangeAction.Revoke => "-",
        _ => "+",
    };

    /// <summary>The verb of the plan's line.</summary>
    public static string Verb(ChangeAction action) => action.ToString().ToLowerInvariant();
}
