using System.Net;
using System.Text.RegularExpressions;
using ReferralHub.Testing;

namespace ReferralHub.Distributed.Tests;

/// <summary>
/// A portal person signs in at the gateway when the gateway and the portal are separate processes (two portal
/// replicas behind the gateway, sharing their key ring and database): the browser goes portal → gateway authorize →
/// gateway sign-in page → authorize → the portal's callback, the portal redeems the code at the gateway over its back
/// channel (docs/security.md, "Sign-in at the gateway"), and a page that calls the APIs with the person's own token
/// renders. Then sign-out ends both sessions: the old cookies are refused by the portal and by the gateway.
/// </summary>
[Collection(DistributedCollection.Name)]
public sealed partial class PortalPersonTokenTests(DistributedHub hub)
{
    [Fact]
    public async Task A_provider_signs_in_at_the_gateway_sees_their_inbox_and_after_sign_out_the_old_cookies_open_nothing()
    {
        var cookies = new CookieContainer();
        using var http = PeopleSignIn.SocketBrowser(hub.Gateway, cookies);
        // A Development demo person (DistributedHub runs in Development).
        using var signedIn = await PeopleSignIn.SignInToPortalAsync(http, hub.Gateway, "provider@agency-b.demo", "referralhub-demo");
        Assert.True(signedIn.StatusCode == HttpStatusCode.OK, $"sign-in ended at {(int)signedIn.StatusCode} {signedIn.RequestMessage?.RequestUri}\n{Logs()}");

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

        // What a shared computer keeps: every cookie as it was while signed in.
        var copy = cookies.GetCookieHeader(hub.Gateway);
        var form = await http.GetStringAsync("/account/sign-out");
        var antiforgery = AntiforgeryField().Match(form);
        Assert.True(antiforgery.Success, "the sign-out page has no antiforgery field");
        var next = new Uri(hub.Gateway, "/account/sign-out");
        var answer = await http.PostAsync(next, new FormUrlEncodedContent(new Dictionary<string, string>
            { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(antiforgery.Groups[1].Value) }));
        for (var hop = 0; hop < 6 && answer.StatusCode == HttpStatusCode.Redirect; hop++)
        {
            next = new Uri(next, PeopleSignIn.Location(answer)); // portal → gateway end-session → portal callback → signed-out page
            answer = await http.GetAsync(next);
        }
        Assert.Equal("/account/sign-in", next.AbsolutePath);
        Assert.Contains("signedOut=true", next.Query);

        using var replay = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = hub.Gateway };
        using var portalPage = new HttpRequestMessage(HttpMethod.Get, "/referrals") { Headers = { { "Cookie", copy } } };
        using var refusedByPortal = await replay.SendAsync(portalPage);
        Assert.Equal(HttpStatusCode.Redirect, refusedByPortal.StatusCode);
        var authorize = new Uri(hub.Gateway, PeopleSignIn.Location(refusedByPortal));
        Assert.Equal("/connect/authorize", authorize.AbsolutePath);
        using var gatewayPage = new HttpRequestMessage(HttpMethod.Get, authorize) { Headers = { { "Cookie", copy } } };
        using var refusedByGateway = await replay.SendAsync(gatewayPage);
        Assert.StartsWith("/identity/sign-in", PeopleSignIn.Location(refusedByGateway));
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
