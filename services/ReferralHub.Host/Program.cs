using ReferralHub.Consent;
using ReferralHub.Directory;
using ReferralHub.Directory.Exchange;
using ReferralHub.Fhir;
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
builder.AddFhir();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGateway();
app.MapDirectory();
app.MapConsent();
app.MapReferrals();
app.MapTransfers();
app.MapPortal();
app.MapFhir();
// `-- directory export <file> | import <file> | replay`: run the directory verb and exit (docs/directory.md).
if (args is ["directory", .. var directoryArgs]) return await DirectoryCommands.RunAsync(app.Services, directoryArgs);
// `-- keys evacuate|retention|rotate-ring|new-signing-key`: key operations, then exit (docs/operations.md, "Keys").
if (args is ["keys", .. var keyArgs]) return await ReferralHub.Hosting.Protection.KeyCommands.RunAsync(app.Services, keyArgs, Console.Out);
app.Run();
return 0;

namespace ReferralHub.Host
{
    /// <summary>Entry-point marker for tests (WebApplicationFactory).</summary>
    public sealed class EmbeddedHost;
}
