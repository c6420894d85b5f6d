using ReferralHub.Contracts.Directory;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Localisation;
using ReferralHub.Portal.Persistence;

namespace ReferralHub.Portal.Notifications;

/// <summary>Notices to portal people about work waiting for them (docs/notifications.md).</summary>
public static class NotificationsModule
{
    public static IHostApplicationBuilder AddPortalNotifications(this IHostApplicationBuilder builder)
    {
        builder.Services.Configure<NotificationOptions>(builder.Configuration.GetSection("Notifications"));
        builder.Services.AddSingleton<HubTime>();
        builder.Services.AddScoped<CodeText>();
        builder.Services.AddSingleton<INotificationChannel, EmailChannel>();
        builder.Services.AddScoped<NoticeRecipients>();
        builder.Services.AddScoped<NoticeQueue>();
        builder.Services.AddScoped<NoticeComposer>();
        builder.Services.AddScoped<AreaChains>();
        builder.Services.AddRedriveSweep<NotificationSweep, PortalDbContext>();
        builder.AddBusConsumers("portal", consumers => consumers
            .AddBatch<OfferNoticeConsumer, ReferralOffered>()
            .Add<OfferClosedNoticeConsumer>()
            .Add<ReferralEscalationNoticeConsumer>()
            .Add<TransferNoticeConsumer>()
            .AddRequestClient<ResolvePathway>());
        return builder;
    }
}
