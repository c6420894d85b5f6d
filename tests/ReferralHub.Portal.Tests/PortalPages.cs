using Microsoft.Playwright;
using ReferralHub.Gateway.Accounts;

namespace ReferralHub.Portal.Tests;

/// <summary>What a person does in the portal, in words a test reads like a flow.</summary>
public static class PortalPages
{
    /// <summary>
    /// Signs in as a person does: the portal's sign-in address sends the browser to the gateway's sign-in page, whose
    /// form is filled and sent; the gateway sends the browser back to the portal (the OpenID Connect code round trip).
    /// Answers the page that finally loads: the portal's home page, or the gateway's page again when refused.
    /// </summary>
    public static async Task<IResponse?> SignInAsync(this IPage page, string email, string password = DemoPeople.Password)
    {
        await page.GotoAsync("/account/sign-in");
        await page.GetByLabel("E-mail").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        return await page.SubmitAsync("Sign in");
    }

    /// <summary>
    /// Presses a form's button and answers the page that finally loads (after any redirect), once that page is the one
    /// in the browser: the response can arrive while the old document is still shown, and a test that reads or presses
    /// at that moment acts on the old page (seen under load: the caseload form "grew" from a stale form). The old
    /// document is marked before the press; the wait ends when an unmarked one is there.
    /// </summary>
    public static async Task<IResponse> SubmitAsync(this IPage page, string button)
    {
        await page.EvaluateAsync("() => document.documentElement.setAttribute('data-left', '')");
        var response = await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync(),
            response => response.Request.IsNavigationRequest && response.Frame == page.MainFrame && response.Status is < 300 or >= 400);
        await page.Locator("html:not([data-left])").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.WaitForLoadStateAsync(LoadState.Load); // the new document's, now that it is the one shown
        return response;
    }

    /// <summary>Writes a screenshot for the README to docs/screenshots/ (committed; refreshed by every run).</summary>
    public static async Task ScreenshotAsync(this IPage page, string name)
    {
        var folder = System.IO.Directory.CreateDirectory(Path.Combine(RepositoryRoot(), "docs", "screenshots")).FullName;
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("ReferralHub.sln not found above the test binaries");
    }
}
