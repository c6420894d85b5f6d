using ReferralHub.Gateway;
using ReferralHub.Gateway.Routing;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The gateway on its own (distributed mode): token endpoint, then every other path forwarded to the service that owns it.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-gateway");
builder.AddGateway();
builder.AddServiceRoutes();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapGateway();
app.MapHubStatus();
app.MapReverseProxy();
app.Run();
