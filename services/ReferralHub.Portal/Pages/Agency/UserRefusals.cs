using System.Net;
using System.Security.Claims;
using Microsoft.Extensions.Localization;
using ReferralHub.Hosting.Auth;
using ReferralHub.Hosting.Web;
using ReferralHub.Portal.HubApi;

namespace ReferralHub.Portal.Pages.Agency;

/// <summary>
/// The gateway's refusals on the agency people pages, in the person's language. The gateway (the account store) makes
/// every rule (four eyes, operators' roles kept, not one's own admin role) and names the field; it answers in English,
/// so the portal shows its own translated sentence for each refusal it knows and the gateway's words for any other.
/// </summary>
public static class UserRefusals
{
    // Declared before Known, which reads it (static initialisers run in order).
    /// <summary>Roles an agency admin may give (the gateway refuses any other): the check boxes of the pages.</summary>
    public static IReadOnlyList<string> AssignableRoles { get; } = [Roles.Referrer, Roles.Provider, Roles.Supervisor, Roles.AgencyAdmin];

    /// <summary>
    /// The gateway's sentences (Gateway/Accounts/AgencyPeople.Messages, Roles.FourEyesMessage) as they arrive (every
    /// problem passes <see cref="Refusals.SafeMessage"/>, which shortens a long part after a quote) and the portal's
    /// words for them; a test in AgencyUsersTests fails when the gateway's words change without this list.
    /// </summary>
    private static readonly Dictionary<string, string> Known = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["a valid e-mail address, at most 256 characters"] = "Users.Error.Email",
        ["an account with this e-mail address exists already"] = "Users.Error.EmailTaken",
        ["required, at most 200 characters"] = "Users.Error.DisplayName",
        ["at least one of: " + string.Join(", ", AssignableRoles)] = "Users.Error.Roles",
        [Roles.FourEyesMessage] = "Users.Error.FourEyes",
        ["you cannot take away your own agency-admin role; another admin of your agency can"] = "Users.Error.SelfAdmin",
    }.ToDictionary(e => Refusals.SafeMessage(e.Key), e => e.Value, StringComparer.Ordinal);

    /// <summary>Whether the portal has its own words for this sentence of the gateway (as the gateway writes it).</summary>
    public static bool Knows(string gatewaySentence) => Known.ContainsKey(Refusals.SafeMessage(gatewaySentence));

    /// <summary>Each field's messages, translated where the portal knows the gateway's sentence.</summary>
    public static Dictionary<string, string[]> PerField<T>(ApiResult<T> result, IStringLocalizer text) =>
        result.Errors.ToDictionary(e => e.Key, e => e.Value.Select(m => Words(m, text)).ToArray(), StringComparer.OrdinalIgnoreCase);

    public static string Words(string gatewayMessage, IStringLocalizer text) =>
        Known.TryGetValue(gatewayMessage, out var key) ? text[key].Value : gatewayMessage;

    public static bool NotFound<T>(ApiResult<T> result) => result.Status == HttpStatusCode.NotFound;

    /// <summary>
    /// The signed-in admin's account id at the gateway: a person's token and session name them <c>portal:{id}</c>
    /// or by the bare id, the gateway's own account id.
    /// </summary>
    public static string PersonId(ClaimsPrincipal user)
    {
        var subject = user.ClientOrUserId() ?? "";
        var prefix = PortalClient.Subject("");
        return subject.StartsWith(prefix, StringComparison.Ordinal) ? subject[prefix.Length..] : subject;
    }
}
