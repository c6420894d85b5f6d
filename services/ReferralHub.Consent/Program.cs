using ReferralHub.Consent;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The consent registry on its own (distributed mode). ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-consent");
builder.AddConsent();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapConsent();
app.Run();
