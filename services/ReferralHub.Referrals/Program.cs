using ReferralHub.Referrals;
using ReferralHub.Hosting;
using ReferralHub.Hosting.Messaging;

// The referral routing on its own (distributed mode). ReferralHub.Host composes the same module with all the others.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults("referralhub-referrals");
builder.AddReferrals();
builder.AddMessageBus();

var app = builder.Build();
app.MapServiceDefaults();
app.MapReferrals();
// `keys …`: evacuation, retention, key-ring rotation, a new signing key (docs/operations.md, "Keys"); then exit.
if (args is ["keys", .. var keyArgs]) return await ReferralHub.Hosting.Protection.KeyCommands.RunAsync(app.Services, keyArgs, Console.Out);
app.Run();
return 0;
