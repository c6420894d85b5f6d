using System.Text;
using Microsoft.AspNetCore.Mvc.RazorPages;
using QRCoder;
using ReferralHub.Portal.Forms;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The one-time link a person opens to set their password (invitation or reset), and how the admin's page shows it:
/// once, after post/redirect/get, as a read-only text field to copy and as a QR code drawn on the server.
/// </summary>
/// <remarks>
/// Between the post and the page that shows it the link travels as every secret shown once does (<see cref="ShownOnce"/>:
/// the TempData cookie, read once, under a Data Protection purpose bound to the admin and limited to two minutes):
/// never in a URL, the browser's history or the portal's store. A reload shows no link; a lost link is replaced by a reset.
/// </remarks>
public static class SetPasswordLink
{
    private const string Key = "set-password-link";

    /// <summary>
    /// The link shown once: for whom (the e-mail, on an invitation), the address itself (the gateway's own
    /// set-password page) and how many hours it works.
    /// </summary>
    public sealed record Issued(string? Email, string Link, int Hours)
    {
        /// <summary>The link as an SVG QR code (see <see cref="QrSvg"/>); a method, so it never goes into the cookie.</summary>
        public string Qr() => QrSvg(Link);
    }

    /// <summary>A page showing a link or secret once must not be kept by the browser or a proxy.</summary>
    public static void NoStore(HttpResponse response) => response.Headers.CacheControl = "no-store";

    /// <summary>Keeps the link for the next view only (the GET after the post's redirect), through <see cref="ShownOnce"/>.</summary>
    public static void Keep(PageModel page, string? email, AgencyUserSetPasswordLink link)
    {
        // Hours as the person will read them: the gateway's lifetime, rounded (never "0 hours").
        var hours = Math.Max(1, (int)Math.Round((link.ExpiresAt - DateTime.UtcNow).TotalHours));
        ShownOnce.Put(page, Key, new Issued(email, link.SetPasswordLink, hours));
    }

    /// <summary>The link kept by the post, once (and the answer marked not to be stored); null on any other view.</summary>
    public static Issued? Take(PageModel page)
    {
        var issued = ShownOnce.Take<Issued>(page, Key);
        if (issued is not null) NoStore(page.Response);
        return issued;
    }

    /// <summary>
    /// The text as a QR code in SVG, drawn here so a phone shows it without script: one square per dark module, four
    /// modules of quiet zone (QRCoder's matrix includes it), medium error correction. The markup holds only numbers
    /// (no text from the link, no style attribute: the portal's CSP forbids inline style), so it is safe to write raw.
    /// </summary>
    public static string QrSvg(string text)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(text, QRCodeGenerator.ECCLevel.M);
        var matrix = data.ModuleMatrix;
        var size = matrix.Count;
        var path = new StringBuilder();
        for (var y = 0; y < size; y++)
            for (var x = 0; x < size; x++)
                if (matrix[y][x]) path.Append('M').Append(x).Append(' ').Append(y).Append("h1v1h-1z");
        return $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"qr\" viewBox=\"0 0 {size} {size}\" shape-rendering=\"crispEdges\" aria-hidden=\"true\" focusable=\"false\">"
            + $"<rect width=\"{size}\" height=\"{size}\" fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>";
    }
}
