using ReferralHub.Portal;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The portal on its own (distributed mode). ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-portal");
builder.AddPortal();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapPortal();
app.Run();
