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

    /// <summary>Presses a form's button and answers the page that finally loads (after any redirect).</summary>
    public static Task<IResponse> SubmitAsync(this IPage page, string button) =>
        page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = button }).ClickAsync(),
            response => response.Request.IsNavigationRequest && response.Frame == page.MainFrame && response.Status is < 300 or >= 400);

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
