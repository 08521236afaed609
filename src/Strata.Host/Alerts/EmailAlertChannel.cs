using Strata.Reports.Delivery;

namespace Strata.Host.Alerts;

/// <summary>Alert notices by e-mail, through the <c>smtp.*</c> server reports use.</summary>
internal sealed class EmailAlertChannel(SmtpSettings smtp, string to) : IAlertChannel
{
    public string Name => $"e-mail to {to}";

    public Task SendAsync(AlertNotice notice, CancellationToken cancellationToken) =>
        new SmtpMailer(smtp).SendTextAsync(to, notice.Subject, notice.Text, cancellationToken);
}
