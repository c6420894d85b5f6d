using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ReferralHub.Portal.Pages.Errors;

/// <summary>The page a person sees for an address or id that leads nowhere: 404, in their language, with a way home.</summary>
public sealed class NotFoundModel : PageModel
{
    public void OnGet() => Response.StatusCode = StatusCodes.Status404NotFound;
}
