using Strata.Configuration;
using Strata.Errors;

namespace Strata.Reports.Delivery;

/// <summary>How to reach the SMTP server, from <c>smtp.*</c> (the password a secret).</summary>
public sealed record SmtpSettings(string? Host, int Port, string Tls, string? User, string? Password, string From)
{
    /// <summary>Reads <c>smtp.*</c>.</summary>
    public static SmtpSettings Read(StrataConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var tls = config.Text(Settings.SmtpTls) ?? "starttls";
        if (tls is not ("starttls" or "ssl" or "auto" or "none"))
        {
            throw new ConfigurationException($"{config.Get(Settings.SmtpTls).Origin}: smtp.tls must be starttls, ssl, auto or none, not '{tls}'");
        }

        return new SmtpSettings(config.Text(Settings.SmtpHost), config.Integer(Settings.SmtpPort) ?? 587, tls,
            config.Text(Settings.SmtpUser), config.Secret(Settings.SmtpPassword), config.Text(Settings.SmtpFrom) ?? "strata@localhost");
    }

    /// <summary>Never shows the password.</summary>
    public override string ToString() => $"{Host}:{Port} ({Tls}{(User is null ? "" : $", as {User}")})";
}
