using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace ReferralHub.Portal.Pages;

public class IndexModel : PageModel
{
    public void OnGet()
    {

    }
}
