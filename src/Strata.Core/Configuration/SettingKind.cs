namespace Strata.Configuration;

/// <summary>The type a setting's value must parse as.</summary>
public enum SettingKind
{
    /// <summary>Any text.</summary>
    Text,

    /// <summary>A whole number.</summary>
    Integer,

    /// <summary>A decimal number.</summary>
    Number,

    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,

    /// <summary>A file or folder; relative paths are relative to the project folder.</summary>
    Path,

    /// <summary>A password or token: never in <c>strata.yml</c>, never printed.</summary>
    Secret,

    /// <summary>A cron of five fields (six with seconds first), or <c>off</c>.</summary>
    Cron,

    /// <summary>An IANA time zone.</summary>
    TimeZone,

    /// <summary>A length of time: <c>20s</c>, <c>5m</c>, <c>1h30m</c>, or a number of seconds.</summary>
    Duration,
}
