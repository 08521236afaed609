using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using Strata.Errors;

namespace Strata.Reports.Delivery;

/// <summary>Sends mail through the <c>smtp.*</c> server with MailKit: report e-mails and alert notices.</summary>
public sealed class SmtpMailer(SmtpSettings settings)
{
    /// <summary>Sends a plain-text message to <paramref name="to"/> (addresses separated by <c>,</c> or <c>;</c>).</summary>
    public Task SendTextAsync(string to, string subject, string text, CancellationToken cancellationToken)
    {
        var message = Message(to, subject);
        message.Body = new TextPart("plain") { Text = text };
        return SendAsync(message, subject, cancellationToken);
    }

    /// <summary>A message from <c>smtp.from</c> to <paramref name="to"/>.</summary>
    internal MimeMessage Message(string to, string subject)
    {
        var message = new MimeMessage { Subject = subject };
        message.From.Add(MailboxAddress.Parse(settings.From));
        foreach (var address in to.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            message.To.Add(MailboxAddress.Parse(address));
        }

        return message;
    }

    /// <summary>Sends <paramref name="message"/>; <paramref name="what"/> names it in errors.</summary>
    internal async Task SendAsync(MimeMessage message, string what, CancellationToken cancellationToken)
    {
        if (settings.Host is null)
        {
            throw new ConfigurationException("e-mail needs smtp.host in strata.yml (and smtp.user with a secret smtp.password if the server wants a login)");
        }

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
            throw new DeliveryException($"could not send {what} through {settings.Host}:{settings.Port}: {ex.Message.Split('\n')[0]}", ex, transient: !permanent);
        }
    }
}
