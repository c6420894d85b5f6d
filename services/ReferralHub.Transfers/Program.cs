using ReferralHub.Transfers;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The transfer handover on its own (distributed mode). ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-transfers");
builder.AddTransfers();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapTransfers();
app.Run();
