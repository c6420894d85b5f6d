using ReferralHub.Consent;
using ReferralHub.Directory;
using ReferralHub.Gateway;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Portal;
using ReferralHub.Referrals;
using ReferralHub.Transfers;

// The embedded default: every ReferralHub service in one process. Configuration alone decides the transport
// (in-memory unless ConnectionStrings:RabbitMq) and the databases (SQLite files unless ConnectionStrings:Postgres).
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub");
builder.AddGateway();
builder.AddDirectory();
builder.AddConsent();
builder.AddReferrals();
builder.AddTransfers();
builder.AddPortal();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGateway();
app.MapDirectory();
app.MapConsent();
app.MapReferrals();
app.MapTransfers();
app.MapPortal();
app.Run();

namespace ReferralHub.Host
{
    /// <summary>Entry-point marker for tests (WebApplicationFactory).</summary>
    public sealed class EmbeddedHost;
}
