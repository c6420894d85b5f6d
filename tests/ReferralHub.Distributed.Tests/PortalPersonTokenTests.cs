using System.Net;
using System.Text.RegularExpressions;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// A portal person's token when the gateway and the portal are separate processes: the gateway asks the portal's
/// account store over RabbitMQ for the person's agency and roles before it issues the token (docs/security.md,
/// "Portal people's tokens"). A page that calls the APIs as the person only renders if that round trip works.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed partial class PortalPersonTokenTests(DistributedHub hub)
{
    [Fact]
    public async Task A_signed_in_provider_sees_their_inbox_through_the_gateway_with_a_token_built_from_the_account_store()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() })
            { BaseAddress = hub.Gateway };
        var form = await http.GetStringAsync("/account/sign-in");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, "the sign-in page has no antiforgery field");

        using var signIn = await http.PostAsync("/account/sign-in", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["email"] = "provider@agency-b.demo", // a Development demo user (DistributedHub runs in Development)
            ["password"] = "referralhub-demo",
            ["returnUrl"] = "/",
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value),
        }));
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);

        // The inbox page asks the referrals service (through the gateway) with the person's token. Right after start a
        // replica's bus may not have bound its queues yet (a request published before that is lost and times out), so
        // the page is asked again, as a person would reload it; a wait, not a timing.
        HttpStatusCode status = default;
        var body = "";
        for (var attempt = 0; attempt < 10 && status != HttpStatusCode.OK; attempt++)
        {
            if (attempt > 0) await Task.Delay(TimeSpan.FromSeconds(3));
            using var inbox = await http.GetAsync("/referrals");
            (status, body) = (inbox.StatusCode, await inbox.Content.ReadAsStringAsync());
        }
        Assert.True(status == HttpStatusCode.OK, $"/referrals answered {(int)status}:\n{body}\n{Logs()}");
        Assert.Contains("<h1>Referrals to your services</h1>", body);
    }

    /// <summary>The gateway's and the portal's errors, for a failure message (the hub deletes its folder at the end).</summary>
    private string Logs()
    {
        var text = new System.Text.StringBuilder();
        foreach (var file in Directory.GetFiles(Path.Combine(hub.WorkDir, "logs")).Where(f => Path.GetFileName(f) is var n && (n.StartsWith("gateway", StringComparison.Ordinal) || n.StartsWith("portal", StringComparison.Ordinal))))
        {
            var lines = File.ReadAllLines(file);
            text.AppendLine($"== {Path.GetFileName(file)}");
            for (var i = 0; i < lines.Length; i++)
                if (lines[i].StartsWith("fail:", StringComparison.Ordinal))
                    foreach (var line in lines.Skip(i).Take(6)) text.AppendLine(line);
        }
        return text.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}
