using Microsoft.Playwright;

namespace ReferralHub.Portal.Tests;

/// <summary>
/// One Chromium for the test run: Debian's /usr/bin/chromium (never a downloaded browser). Each test opens its own
/// context (cookies, viewport), with JavaScript OFF by default: every page must work without it.
/// </summary>
public sealed class Browser : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public async Task InitializeAsync()
    {
        var path = Environment.GetEnvironmentVariable("REFERRALHUB_CHROMIUM") ?? ChromiumPath;
        if (!File.Exists(path))
            throw new InvalidOperationException($"Browser tests need Chromium at {path}: install it with `apt-get install -y chromium` (or set REFERRALHUB_CHROMIUM).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = path,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A phone: 360 px wide, JavaScript off unless asked, asking for <paramref name="locale"/> pages (Accept-Language).</summary>
    public Task<IBrowserContext> PhoneAsync(Uri baseAddress, bool javaScript = false, string locale = "en-GB") =>
        OpenAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            JavaScriptEnabled = javaScript,
            Locale = locale,
        });

    /// <summary>
    /// A screen <paramref name="width"/> CSS pixels wide (320 for the smallest phones; 180 is a 360 px phone at 200 %
    /// zoom). JavaScript on only so a test can measure the layout: the portal itself sends no script.
    /// </summary>
    public Task<IBrowserContext> ScreenAsync(Uri baseAddress, int width) =>
        OpenAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 740 },
            JavaScriptEnabled = true,
            Locale = "en-GB",
        });

    /// <summary>
    /// Playwright's 30 s default is too short for the first sign-in of a run (gateway, token server and portal all
    /// warming up) on a 2-core CI machine under load: it failed there once at load ~100 (session 10). Waiting longer
    /// changes no assertion; a page that never comes still fails.
    /// </summary>
    private async Task<IBrowserContext> OpenAsync(BrowserNewContextOptions options)
    {
        var context = await _browser!.NewContextAsync(options);
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return context;
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<Browser>
{
    public const string Name = "browser";
}
