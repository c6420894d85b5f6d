using ReferralHub.Directory;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The directory service on its own (distributed mode). ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-directory");
builder.AddDirectory();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapDirectory();
app.Run();
