using System.Globalization;
using System.Text;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using ReferralHub.Portal.Localisation;

namespace ReferralHub.Portal.Notifications;

/// <summary>
/// Writes a notice (or a day's digest) in the person's language from its facts only: the service type, the priority,
/// the deadline (hub local time and UTC) and the sign-in link. Nothing else is available to it, so nothing personal
/// about a child can end up in a message.
/// </summary>
public sealed class NoticeComposer(IStringLocalizer<PortalText> text, CodeText codes, HubTime time, IOptions<NotificationOptions> options)
{
    public NotificationMessage Compose(Guid deliveryId, IReadOnlyList<NoticeFacts> notices, CultureInfo culture)
    {
        var (previous, previousUi) = (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture);
        CultureInfo.CurrentCulture = CultureInfo.CurrentUICulture = culture;
        try
        {
            var baseUrl = options.Value.PortalBaseUrl.TrimEnd('/');
            var body = new StringBuilder();
            string subject;
            string shortText;
            if (notices.Count == 1)
            {
                var notice = notices[0];
                subject = Line("Notice.Subject." + notice.Kind, notice);
                body.AppendLine(Line("Notice.Body." + notice.Kind, notice)).AppendLine();
                AppendFacts(body, notice, baseUrl);
                shortText = $"{subject} {baseUrl}{notice.LinkPath}";
            }
            else
            {
                subject = text["Notice.Subject.digest", notices.Count];
                body.AppendLine(text["Notice.Body.digest", notices.Count]).AppendLine();
                foreach (var notice in notices)
                {
                    body.AppendLine("• " + Line("Notice.Subject." + notice.Kind, notice));
                    AppendFacts(body, notice, baseUrl);
                    body.AppendLine();
                }
                shortText = $"{subject} {baseUrl}/";
            }
            body.AppendLine(text["Notice.Footer.NoPersonalData"]);
            body.AppendLine(text["Notice.Footer.Choose", $"{baseUrl}/notifications"]);
            return new NotificationMessage(deliveryId, subject, body.ToString(), shortText);
        }
        finally
        {
            (CultureInfo.CurrentCulture, CultureInfo.CurrentUICulture) = (previous, previousUi);
        }
    }

    private string Line(string key, NoticeFacts notice) => text[key, codes.ServiceType(notice.ServiceType), codes.Priority(notice.Priority)];

    private void AppendFacts(StringBuilder body, NoticeFacts notice, string baseUrl)
    {
        body.AppendLine(text["Notice.ServiceType", codes.ServiceType(notice.ServiceType)]);
        // A transfer's urgency is not a referral priority: its answer deadlines differ (capacity within three days).
        body.AppendLine(notice.Item == "transfer" ? text["Transfers.Urgency." + notice.Priority] : text["Notice.Priority", codes.Priority(notice.Priority)]);
        if (notice.DeadlineAt is { } deadline) body.AppendLine(text["Notice.Deadline", time.Format(deadline)]);
        body.AppendLine(text["Notice.Link", $"{baseUrl}{notice.LinkPath}"]);
    }
}
