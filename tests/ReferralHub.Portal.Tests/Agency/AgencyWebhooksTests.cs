using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Playwright;
using ReferralHub.Testing;

namespace ReferralHub.Portal.Tests.Agency;

/// <summary>
/// Agency A's admin adds a webhook from the portal, sees its signing secret once, and follows the deliveries of the
/// agency's referral changes in the log: delivered, given up while the receiver was down, and sent again by hand.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AgencyWebhooksTests(Browser browser, AgencyWebhooksTests.FastRetryHub hub) : IClassFixture<AgencyWebhooksTests.FastRetryHub>, IAsyncLifetime
{
    /// <summary>Retries in milliseconds, two attempts before a change is dead-lettered: the log fills within a test.</summary>
    public sealed class FastRetryHub : PortalHub
    {
        public FastRetryHub() => Settings = new()
        {
            ["Referrals:Webhooks:PollInterval"] = "00:00:00.100",
            ["Referrals:Webhooks:RetryBaseDelay"] = "00:00:00.050",
            ["Referrals:Webhooks:MaxAttempts"] = "2",
        };
    }

    private readonly Receiver _receiver = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task An_admin_adds_a_webhook_and_follows_its_deliveries_then_sends_a_failed_one_again()
    {
        await using var context = await browser.PhoneAsync(hub.BaseAddress);
        var page = await context.NewPageAsync();
        await page.SignInAsync("admin@agency-a.demo");

        await page.GetByRole(AriaRole.Link, new() { Name = "Webhooks" }).First.ClickAsync();
        await page.WaitForURLAsync("**/agency/webhooks");
        // A refused address comes back by a GET (post/redirect/get) keeping what was typed, the own secret too (it
        // travels apart, time-limited to this person), with plain words beside the field; a reload sends nothing.
        await page.GetByLabel("URL that receives the callbacks (https)").FillAsync("ftp://example.org/hook");
        await page.GetByLabel("Secret (optional)").FillAsync("our-own-signing-secret-0123456789abcdef");
        var refused = await page.SubmitAsync("Add the webhook");
        Assert.Equal("GET", refused.Request.Method);
        Assert.EndsWith("/agency/webhooks#error-summary", page.Url);
        Assert.Contains("starting with https://", await page.Locator("#url-error").InnerTextAsync());
        Assert.Equal("#url", await page.Locator("#error-summary a").First.GetAttributeAsync("href"));
        Assert.Equal("ftp://example.org/hook", await page.GetByLabel("URL that receives the callbacks (https)").InputValueAsync());
        Assert.Equal("our-own-signing-secret-0123456789abcdef", await page.GetByLabel("Secret (optional)").InputValueAsync());
        Assert.Contains("no-store", refused.Headers["cache-control"]);
        await (await PlainWords.ForAsync(hub)).AssertOnAsync(page);
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.Equal(0, await page.Locator("#error-summary").CountAsync());
        Assert.Equal("", await page.GetByLabel("Secret (optional)").InputValueAsync());
        await page.GetByLabel("URL that receives the callbacks (https)").FillAsync(_receiver.Url);
        var added = await page.SubmitAsync("Add the webhook");
        Assert.Equal(200, added.Status);
        Assert.Equal("GET", added.Request.Method);
        Assert.Contains("no-store", added.Headers["cache-control"]);
        var secret = await page.Locator("#webhook-secret").InnerTextAsync();
        Assert.True(secret.Length >= 32, "a generated secret");
        await page.ScreenshotAsync("agency-webhooks");
        // Shown once: a reload is a GET that neither adds a second webhook nor shows the secret again.
        Assert.Equal("GET", (await page.ReloadAsync())!.Request.Method);
        Assert.DoesNotContain(secret, await page.ContentAsync());
        Assert.Equal(1, await page.GetByRole(AriaRole.Button, new() { Name = "Stop this webhook " + _receiver.Url }).CountAsync());

        // Agency A's system refers a child: "submitted" and "offered" are called back, signed with the secret.
        await HubData.SendReferralAsync(hub, "PORTAL-HOOK-1");
        await WaitAsync(() => _receiver.Accepted.Count >= 2, "two callbacks delivered");
        foreach (var (timestamp, signature, body) in _receiver.Accepted)
        {
            Assert.Equal("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"))), signature);
            Assert.DoesNotContain("Nadia", body);
        }
        await page.GetByRole(AriaRole.Link, new() { Name = "Delivery log" }).First.ClickAsync();
        var log = await page.Locator("table").InnerTextAsync();
        Assert.Contains("submitted", log);
        Assert.Contains("offered", log);
        Assert.Contains("Delivered", log);
        Assert.DoesNotContain("Nadia", await page.ContentAsync());
        Assert.DoesNotContain("PORTAL-HOOK-1", await page.ContentAsync());

        // The receiver is down: the next referral's changes are given up on after the retries.
        _receiver.Down = true;
        await HubData.SendReferralAsync(hub, "PORTAL-HOOK-2");
        await WaitAsync(async () =>
        {
            await page.ReloadAsync();
            return await page.GetByText("Not delivered (gave up)").CountAsync() >= 2;
        }, "two dead-lettered callbacks in the log");
        Assert.Contains("HTTP 503", await page.Locator("table").InnerTextAsync());
        await LocalTimes.AssertOnAsync(page, zoneName: null); // each change's time and next try through the one helper
        await page.ScreenshotAsync("agency-webhook-log");

        _receiver.Down = false;
        var before = _receiver.Accepted.Count;
        await page.RunAndWaitForResponseAsync(
            () => page.GetByRole(AriaRole.Button, new() { Name = "Send again" }).Last.ClickAsync(),
            response => response.Request.IsNavigationRequest && response.Frame == page.MainFrame && response.Status is < 300 or >= 400);
        Assert.True(page.Url.Contains("resent=true", StringComparison.OrdinalIgnoreCase),
            $"Send again did not come back sent: {page.Url} — {await page.Locator("main").InnerTextAsync()}");
        Assert.Equal("Sent again: the receiver accepted it.", await page.GetByRole(AriaRole.Status).InnerTextAsync());
        Assert.Contains("Delivered when sent again", await page.Locator("table").InnerTextAsync());
        Assert.Equal(before + 1, _receiver.Accepted.Count);
    }

    private static async Task WaitAsync(Func<bool> done, string what) => await WaitAsync(() => Task.FromResult(done()), what);

    private static async Task WaitAsync(Func<Task<bool>> done, string what)
    {
        for (var attempt = 0; attempt < 300; attempt++) // a hang guard (30 s), not a speed check
        {
            if (await done()) return;
            await Task.Delay(100);
        }
        throw new TimeoutException($"waited 30 s for {what}");
    }

    /// <summary>An agency's receiving system on loopback: records signed callbacks; answers 503 while down.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly CallbackReceiver _server;

        public Receiver() => _server = new CallbackReceiver((request, body) =>
        {
            if (Down) return 503;
            Accepted.Enqueue((request.Headers["X-ReferralHub-Timestamp"] ?? "", request.Headers["X-ReferralHub-Signature"] ?? "", body));
            return 204;
        });

        public string Url => _server.Url;

        public volatile bool Down;

        public ConcurrentQueue<(string Timestamp, string Signature, string Body)> Accepted { get; } = new();

        public ValueTask DisposeAsync() => _server.DisposeAsync();
    }
}
