namespace ReferralHub.Hosting.Protection;

/// <summary>
/// Protection scopes. A case scope sits inside its agency's scope, so destroying the agency's keys
/// (an evacuation, seed 004) also destroys every case key of that agency.
/// </summary>
public static class ProtectionScopes
{
    public static string Agency(string agencyCode) => $"agency:{agencyCode}";

    public static string Case(string agencyCode, string caseCode) => $"{Agency(agencyCode)}/case:{caseCode}";
}
