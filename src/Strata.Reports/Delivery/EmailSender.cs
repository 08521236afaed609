using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Strata.Errors;
using Strata.Reports.Writers;

namespace Strata.Reports.Delivery;

/// <summary>E-mails a report with MailKit: a short HTML body with the top rows, the chosen formats attached.</summary>
internal sealed class EmailSender(SmtpSettings settings)
{
    private const int BodyRows = 10;

    public async Task SendAsync(ReportResult result, string to, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        if (settings.Host is null)
        {
            throw new ConfigurationException("e-mail delivery needs smtp.host in strata.yml (and smtp.user with a secret smtp.password if the server wants a login)");
        }

        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var address in to.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        message.Subject = $"{result.Report.Title} — {(result.AsOfCommitTime ?? result.GeneratedAt):yyyy-MM-dd HH:mm} UTC";
        var body = new BodyBuilder { HtmlBody = HtmlReportWriter.Render(result, BodyRows), TextBody = $"{result.Report.Title}\n{result.AsOfText}\n{result.Rows.Count} rows attached." };
        foreach (var file in files)
        {
            await body.Attachments.AddAsync(file, cancellationToken);
        }

        message.Body = body.ToMessageBody();
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(settings.Host, settings.Port, settings.Tls switch
            {
                "ssl" => SecureSocketOptions.SslOnConnect,
                "none" => SecureSocketOptions.None,
                "auto" => SecureSocketOptions.Auto,
                _ => SecureSocketOptions.StartTls,
            }, cancellationToken);
            if (settings.User is not null)
            {
                await client.AuthenticateAsync(settings.User, settings.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (AuthenticationException ex)
        {
            throw new DeliveryException($"SMTP server {settings.Host}:{settings.Port} refused the login of {settings.User} ({ex.Message.Split('\n')[0]}); check smtp.user and the smtp.password secret", ex, transient: false);
        }
        catch (Exception ex) when (ex is ServiceNotConnectedException or ProtocolException or CommandException or IOException or System.Net.Sockets.SocketException or SslHandshakeException)
        {
            var permanent = ex is SmtpCommandException { ErrorCode: SmtpErrorCode.RecipientNotAccepted or SmtpErrorCode.SenderNotAccepted };
            throw new DeliveryException($"could not send report {result.Report.Name} through {settings.Host}:{settings.Port}: {ex.Message.Split('\n')[0]}", ex, transient: !permanent);
        }
    }
}
