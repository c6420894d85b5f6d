using Microsoft.AspNetCore.Mvc.RazorPages;
using ReferralHub.Hosting.Auth;

namespace ReferralHub.Portal.Pages;

/// <summary>The signed-in person's home: who they are for the hub, and the pages their roles open.</summary>
public sealed class IndexModel : PageModel
{
    public string DisplayName { get; private set; } = "";

    public IReadOnlyList<string> Areas { get; private set; } = [];

    /// <summary>Links only to pages the server would let this person open (the server checks again on each).</summary>
    public IReadOnlyList<(string Href, string Label)> Pages { get; private set; } = [];

    public void OnGet()
    {
        DisplayName = User.FindFirst(ReferralHub.Portal.Accounts.PortalSignIn.DisplayNameClaim)?.Value ?? User.Identity?.Name ?? "";
        Areas = [.. User.FindAll(HubClaims.Area).Select(c => c.Value)];
        var pages = new List<(string, string)>();
        if (User.IsInRole(Roles.Provider)) pages.Add(("/referrals", "Nav.Referrals"));
        if (User.IsInRole(Roles.Coordinator)) pages.Add(("/turnaround", "Nav.Turnaround"));
        if (User.IsInRole(Roles.PathwayMaintainer)) pages.Add(("/directory", "Nav.Directory"));
        if (User.IsInRole(Roles.AgencyAdmin)) pages.Add(("/agency/users", "Nav.Users"));
        if (User.IsInRole(Roles.Provider)) pages.Add(("/transfers", "Nav.Transfers"));
        if (User.IsInRole(Roles.Supervisor)) pages.Add(("/supervisor", "Nav.Supervisor"));
        if (User.IsInRole(Roles.PathwayMaintainer)) pages.Add(("/directory/pathways", "Nav.Pathways"));
        if (User.IsInRole(Roles.AgencyAdmin)) pages.AddRange([("/agency/clients", "Nav.Clients"), ("/agency/webhooks", "Nav.Webhooks")]);
        Pages = pages;
    }
}
