using MimeKit;
using Strata.Reports.Writers;

namespace Strata.Reports.Delivery;

/// <summary>E-mails a report with MailKit: a short HTML body with the top rows, the chosen formats attached.</summary>
internal sealed class EmailSender(SmtpSettings settings)
{
    private const int BodyRows = 10;

    public async Task SendAsync(ReportResult result, string to, IReadOnlyList<string> files, CancellationToken cancellationToken)
    {
        var mailer = new SmtpMailer(settings);
        var message = mailer.Message(to, $"{result.Report.Title} — {(result.AsOfCommitTime ?? result.GeneratedAt):yyyy-MM-dd HH:mm} UTC");
        var body = new BodyBuilder { HtmlBody = HtmlReportWriter.Render(result, BodyRows), TextBody = $"{result.Report.Title}\n{result.AsOfText}\n{result.Rows.Count} rows attached." };
        foreach (var file in files)
        {
            await body.Attachments.AddAsync(file, cancellationToken);
        }

        message.Body = body.ToMessageBody();
        await mailer.SendAsync(message, $"report {result.Report.Name}", cancellationToken);
    }
}
