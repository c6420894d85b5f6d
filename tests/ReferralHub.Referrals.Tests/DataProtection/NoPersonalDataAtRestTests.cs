using System.Net;
using System.Text;
using ReferralHub.Hosting.Auth;
using ReferralHub.Referrals.Tests.Support;
using static ReferralHub.Referrals.Tests.Support.ReferralApi;

namespace ReferralHub.Referrals.Tests.DataProtection;

/// <summary>A child's name and date of birth go through the whole lifecycle and appear in no file, log line or bus message.</summary>
public sealed class NoPersonalDataAtRestTests(ModuleHost hub) : IClassFixture<ModuleHost>
{
    [Fact]
    public async Task The_database_files_logs_and_bus_messages_hold_neither_the_childs_name_nor_date_of_birth()
    {
        var referrer = hub.ClientFor("agency-a", Roles.Referrer);
        var provider = hub.ClientFor("agency-b", Roles.Provider);
        hub.World.Consents["CASE-SCAN"] = new FakeConsent(true);
        var id = await SubmitOkAsync(referrer, NadiaReferral("CASE-SCAN"));
        await WaitForStatusAsync(referrer, id, "offered");
        var accepted = await PostAsync(provider, id, "accept");
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains("Nadia", await accepted.Content.ReadAsStringAsync()); // it is there, for the provider, over HTTPS
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(referrer, id, "notes", new { text = "Nadia prefers afternoon sessions." })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "start", new { startedOn = "2022-09-18" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(provider, id, "complete", CompleteForm)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await referrer.GetAsync("/api/v1/cases/CASE-SCAN/export")).StatusCode);

        string[] secrets = ["Nadia", "Salih", NadiaDateOfBirth, "Sarah Kamal"];
        var files = System.IO.Directory.GetFiles(hub.DataDirectory, "*", SearchOption.AllDirectories);
        Assert.Contains(files, f => f.EndsWith("referrals.db", StringComparison.Ordinal));
        foreach (var file in files)
        {
            byte[] bytes;
            await using (var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var memory = new MemoryStream())
            {
                await stream.CopyToAsync(memory);
                bytes = memory.ToArray();
            }
            foreach (var secret in secrets)
            {
                Assert.True(bytes.AsSpan().IndexOf(Encoding.UTF8.GetBytes(secret)) < 0, $"'{secret}' found in {Path.GetFileName(file)}");
                Assert.True(bytes.AsSpan().IndexOf(Encoding.Unicode.GetBytes(secret)) < 0, $"'{secret}' (UTF-16) found in {Path.GetFileName(file)}");
            }
        }

        Assert.NotEmpty(hub.Logs.Lines);
        Assert.NotEmpty(hub.BusMessages);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(hub.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
            Assert.DoesNotContain(hub.BusMessages, message => message.Contains(secret, StringComparison.Ordinal));
        }
    }
}
