using ReferralHub.Fhir;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The FHIR R4 facade on its own (distributed mode): it calls the other services through the gateway (Fhir:ApiBaseUrl).
// ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-fhir");
builder.AddFhir();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapFhir();
app.Run();
