using ReferralHub.Gateway;
using ReferralHub.Gateway.Routing;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Hosting.Web;

// The gateway on its own (distributed mode): token endpoint, then every other path forwarded to the service that owns it.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-gateway");
builder.AddGateway();
builder.AddServiceRoutes();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGateway();
// The owning service enforces each endpoint's body limit; the gateway lets any size through to it.
app.MapReverseProxy().WithBodyLimit(long.MaxValue);
// `keys …`: evacuation, retention, key-ring rotation, a new signing key (docs/operations.md, "Keys"); then exit.
if (args is ["keys", .. var keyArgs]) return await ReferralHub.Hosting.Protection.KeyCommands.RunAsync(app.Services, keyArgs, Console.Out);
app.Run();
return 0;
