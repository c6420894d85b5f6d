using System.Net;
using System.Text.RegularExpressions;

namespace ReferralHub.Testing;

/// <summary>
/// People sign in the way a browser with JavaScript off does, over real HTTP and real cookies: at the gateway's sign-in
/// page, through the portal's OpenID Connect round trip. Shared by the embedded tests (GatewaySignIn in
/// ReferralHub.Testing.Hub) and the distributed ones (gateway and portal as separate processes).
/// </summary>
public static partial class PeopleSignIn
{
    /// <summary>Reads the sign-in page at <paramref name="signInUrl"/> and posts the form; the gateway's answer.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string signInUrl, string email, string password)
    {
        var pageUri = browser.BaseAddress is { } start ? new Uri(start, signInUrl) : new Uri(signInUrl);
        var page = await browser.GetAsync(pageUri);
        if (page.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"The sign-in page answered {(int)page.StatusCode}.");
        var html = await page.Content.ReadAsStringAsync();
        var fields = HiddenFields(html);
        fields["email"] = email;
        fields["password"] = password;
        return await browser.PostAsync(new Uri(pageUri, "/identity/sign-in"), new FormUrlEncodedContent(fields));
    }

    /// <summary>
    /// Signs a person in to the portal as a browser with JavaScript off does, over real HTTP: the portal's sign-in
    /// address sends the browser to the gateway's authorize endpoint, that to the gateway's sign-in page (its form is
    /// posted), back to authorize, which sends a code to the portal's callback; the portal redeems it (code + PKCE,
    /// back channel) and sets its session cookie, then sends the browser to <paramref name="returnUrl"/>.
    /// <paramref name="browser"/> keeps cookies and must not follow redirects: each hop is followed here, whatever
    /// origin it points to (the portal and the gateway may be different processes). Returns the last answer.
    /// </summary>
    public static async Task<HttpResponseMessage> SignInToPortalAsync(HttpClient browser, Uri portal, string email, string password, string returnUrl = "/")
    {
        var next = new Uri(portal, "/account/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl));
        for (var hop = 0; hop < 12; hop++)
        {
            var response = await browser.GetAsync(next);
            if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther)) return response;
            next = new Uri(next, Location(response));
            if (next.AbsolutePath != "/identity/sign-in") continue;
            var signedIn = await PostSignInAsync(browser, next.ToString(), email, password);
            if (signedIn.StatusCode != HttpStatusCode.Redirect)
                throw new InvalidOperationException($"Sign-in refused ({(int)signedIn.StatusCode}) for {email}.");
            next = new Uri(next, Location(signedIn));
        }
        throw new InvalidOperationException("Sign-in did not come back to the portal within 12 redirects.");
    }

    /// <summary>A cookie-keeping client that does not follow redirects, for <see cref="SignInToPortalAsync"/> against real sockets.</summary>
    public static HttpClient SocketBrowser(Uri baseAddress, CookieContainer? cookies = null) =>
        new(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = cookies ?? new CookieContainer(), UseCookies = true }) { BaseAddress = baseAddress };

    public static string Location(HttpResponseMessage response) =>
        response.StatusCode is HttpStatusCode.Redirect or HttpStatusCode.Found or HttpStatusCode.SeeOther
            ? response.Headers.Location!.OriginalString
            : throw new InvalidOperationException($"Expected a redirect, got {(int)response.StatusCode}.");

    public static Dictionary<string, string> HiddenFields(string html) =>
        HiddenField().Matches(html).ToDictionary(m => WebUtility.HtmlDecode(m.Groups[1].Value), m => WebUtility.HtmlDecode(m.Groups[2].Value));

    [GeneratedRegex("<input type=\"hidden\" name=\"([^\"]+)\" value=\"([^\"]*)\">")]
    private static partial Regex HiddenField();
}
