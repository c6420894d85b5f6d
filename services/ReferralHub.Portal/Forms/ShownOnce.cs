using System.Security.Claims;
using ReferralHub.Hosting.Auth;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ReferralHub.Portal.Forms;

/// <summary>
/// A secret carried from a post to the answer page it redirects to (post/redirect/get): a client secret or webhook
/// secret the hub has just made, shown once, or a secret the admin typed into a refused form, put back in the box.
/// </summary>
/// <remarks>
/// It travels in the TempData cookie (already encrypted by Data Protection, read once then deleted) under a second,
/// time-limited Data Protection purpose bound to the signed-in person: it is unreadable after two minutes, and to
/// anyone else's session. Never on the server's disk, never logged; the page that shows it answers no-store.
/// Why not answer the post in place: a reload would send the form again, giving a client a second secret (the one
/// on screen stops working) or failing "already exists" and losing the secret just shown.
/// </remarks>
public static class ShownOnce
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(2);

    public static void Put<T>(PageModel page, string key, T value) =>
        page.TempData[key] = Protector(page).Protect(JsonSerializer.Serialize(value), Lifetime);

    /// <summary>The value put by the post just before, once; default when there is none, it expired or it is another person's.</summary>
    public static T? Take<T>(PageModel page, string key)
    {
        if (page.TempData[key] is not string protectedValue) return default;
        try
        {
            return JsonSerializer.Deserialize<T>(Protector(page).Unprotect(protectedValue));
        }
        catch (CryptographicException)
        {
            return default; // expired, or not this person's
        }
    }

    private static ITimeLimitedDataProtector Protector(PageModel page) =>
        page.HttpContext.RequestServices.GetRequiredService<IDataProtectionProvider>()
            .CreateProtector("ReferralHub.Portal.ShownOnce", page.User.FindFirstValue(HubClaims.Subject) ?? "")
            .ToTimeLimitedDataProtector();
}
