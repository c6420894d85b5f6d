using ReferralHub.Contracts.Directory;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal.Localisation;

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
        builder.Services.AddRedriveSweep<NotificationSweep>();
        builder.AddBusConsumers(bus =>
        {
            bus.AddConsumer<OfferNoticeConsumer>();
            bus.AddConsumer<OfferClosedNoticeConsumer>();
            bus.AddConsumer<ReferralEscalationNoticeConsumer>();
            bus.AddConsumer<TransferNoticeConsumer>();
            bus.AddRequestClient<ResolvePathway>();
        });
        return builder;
    }
}
