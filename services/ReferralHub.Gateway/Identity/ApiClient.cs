namespace ReferralHub.Gateway.Identity;

/// <summary>An agency system allowed to call the API with the client-credentials grant.</summary>
public sealed class ApiClient
{
    public string ClientId { get; set; } = "";

    public string ClientSecret { get; set; } = "";

    public string DisplayName { get; set; } = "";

    /// <summary>The agency whose data the client acts on; every agency-scoped rule uses it.</summary>
    public string Agency { get; set; } = "";

    public List<string> Roles { get; set; } = [];

    /// <summary>Area codes (pathway maintainers only).</summary>
    public List<string> Areas { get; set; } = [];
}

/// <summary>The demo agencies and clients: Development only, fixed names so the README, docs and tests can rely on them.</summary>
public static class DemoClients
{
    public const string DemoDistrict = "demo-district";

    public static IReadOnlyList<ApiClient> All { get; } =
    [
        new() { ClientId = "agency-a-system", ClientSecret = "agency-a-secret", DisplayName = "Agency A case management system", Agency = "agency-a", Roles = ["referrer"] },
        // Four eyes are two people: agency A's supervisor is a second identity, never the referring system itself.
        new() { ClientId = "agency-a-supervisor", ClientSecret = "agency-a-supervisor-secret", DisplayName = "Agency A supervisor", Agency = "agency-a", Roles = ["supervisor"] },
        new() { ClientId = "agency-b-system", ClientSecret = "agency-b-secret", DisplayName = "Agency B service provider system", Agency = "agency-b", Roles = ["provider"] },
        new() { ClientId = "agency-d-system", ClientSecret = "agency-d-secret", DisplayName = "Agency D case management system (receives transfers)", Agency = "agency-d", Roles = ["referrer"] },
        new() { ClientId = "coordinator-system", ClientSecret = "coordinator-secret", DisplayName = "Child protection sub-sector information management", Agency = "cluster", Roles = ["coordinator"] },
        new() { ClientId = "pathways-system", ClientSecret = "pathways-secret", DisplayName = "Demo district pathway maintenance", Agency = "district", Roles = ["pathway-maintainer"], Areas = [DemoDistrict] },
        new() { ClientId = "ops-system", ClientSecret = "ops-secret", DisplayName = "Hub operators", Agency = "hub", Roles = ["operator"] },
    ];
}
