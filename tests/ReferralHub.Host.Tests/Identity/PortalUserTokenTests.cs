using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using ReferralHub.Hosting.Auth;
using ReferralHub.Portal.Accounts;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// The portal calls the APIs as the signed-in person: tokens only the portal's client can get, never for operators,
/// and whose agency, roles and areas are the account store's, whatever the token request says.
/// </summary>
public sealed class PortalUserTokenTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    private string PortalSecret => hub.Services.GetRequiredService<PortalClientSecret>().Required;

    [Fact]
    public async Task The_portal_gets_a_short_lived_token_for_a_person_with_their_agency_roles_and_areas()
    {
        var person = await hub.EnsurePortalPersonAsync("user-42", "district", [Roles.PathwayMaintainer], ["demo-district"]);

        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, person);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await TokenOf(response);
        Assert.Equal("portal:user-42", token.Subject);
        Assert.Equal(PortalClient.ClientId, token.GetClaim("azp").Value);
        Assert.Equal("district", token.GetClaim("agency").Value);
        Assert.Equal(["pathway-maintainer"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.Equal(["demo-district"], token.Claims.Where(c => c.Type == "area").Select(c => c.Value));
        Assert.Equal(PortalClient.TokenLifetime, token.ValidTo - token.IssuedAt);

        // The services accept it like any other token, and see the person.
        var api = hub.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.EncodedToken);
        var caller = await api.GetFromJsonAsync<JsonElement>("/api/v1/me");
        Assert.Equal("portal:user-42", caller.GetProperty("client").GetString());
        Assert.Equal("district", caller.GetProperty("agency").GetString());
    }

    [Fact]
    public async Task Agency_roles_and_areas_in_the_request_are_ignored_the_account_store_decides()
    {
        // The hole this closes: whoever held the portal's secret could name any agency and role.
        var person = await hub.EnsurePortalPersonAsync("user-43", "agency-b", [Roles.Provider]);

        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, person,
            ("agency", "agency-a"), ("role", Roles.AgencyAdmin), ("role", Roles.Coordinator), ("area", "demo-district"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var token = await TokenOf(response);
        Assert.Equal("agency-b", token.GetClaim("agency").Value);
        Assert.Equal([Roles.Provider], token.Claims.Where(c => c.Type == "role").Select(c => c.Value));
        Assert.DoesNotContain(token.Claims, c => c.Type == "area");
    }

    [Fact]
    public async Task An_unknown_person_gets_no_token()
    {
        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, "nobody-" + Guid.NewGuid(), ("agency", "agency-a"), ("role", Roles.AgencyAdmin));

        await AssertRefusedAsync(response, "invalid_grant");
    }

    [Fact]
    public async Task A_disabled_account_gets_no_token()
    {
        var person = await hub.EnsurePortalPersonAsync("user-disabled", "agency-a", [Roles.Supervisor]);
        await ChangeAsync(person, async (users, user) =>
        {
            await users.SetLockoutEnabledAsync(user, true);
            await users.SetLockoutEndDateAsync(user, PortalUser.DisabledUntil);
        });

        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person), "invalid_grant");
    }

    [Fact]
    public async Task An_account_whose_password_was_reset_gets_no_token()
    {
        var person = await hub.EnsurePortalPersonAsync("user-reset", "agency-a", [Roles.Referrer]);
        await ChangeAsync(person, async (users, user) => await users.RemovePasswordAsync(user));

        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person), "invalid_grant");
    }

    [Fact]
    public async Task No_portal_token_carries_the_operator_role()
    {
        // Even an account the store holds with the operator role (made by hand) gets no portal token.
        var person = await hub.EnsurePortalPersonAsync("user-operator", "hub", [Roles.Operator]);

        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person), "invalid_grant");
    }

    [Fact]
    public async Task A_request_without_a_person_gets_no_token()
    {
        var response = await RequestAsync(PortalClient.ClientId, PortalSecret, "", ("agency", "agency-a"), ("role", Roles.Provider));

        await AssertRefusedAsync(response, "invalid_request");
    }

    [Fact]
    public async Task An_agency_system_cannot_use_the_portal_grant_to_act_as_someone_else()
    {
        var person = await hub.EnsurePortalPersonAsync("user-44", "agency-b", [Roles.Provider]);

        await AssertRefusedAsync(await RequestAsync("agency-a-system", "agency-a-secret", person), "unauthorized_client");
    }

    [Fact]
    public async Task The_portal_grant_needs_the_portals_secret()
    {
        var person = await hub.EnsurePortalPersonAsync("user-45", "agency-b", [Roles.Provider]);

        var response = await RequestAsync(PortalClient.ClientId, "not-the-secret", person);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task The_portals_secret_alone_gets_nobody_a_token_the_session_must_be_live()
    {
        // Whoever holds the portal's secret and a person's id, but not their signed-in session, gets nothing.
        var person = await hub.EnsurePortalPersonAsync("user-46", "agency-a", [Roles.AgencyAdmin]);

        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person, (PortalClient.SessionParameter, "guessed")), "invalid_grant");
        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person, (PortalClient.SessionParameter, "")), "invalid_request");
    }

    [Fact]
    public async Task After_sign_out_the_old_session_gets_no_token()
    {
        var person = await hub.EnsurePortalPersonAsync("user-47", "agency-b", [Roles.Provider]);
        var oldSession = await hub.PortalSessionProofAsync(person);
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(PortalClient.ClientId, PortalSecret, person, (PortalClient.SessionParameter, oldSession))).StatusCode);

        // What sign-out does (SignOutModel): a new security stamp.
        await ChangeAsync(person, async (users, user) => await users.UpdateSecurityStampAsync(user));

        await AssertRefusedAsync(await RequestAsync(PortalClient.ClientId, PortalSecret, person, (PortalClient.SessionParameter, oldSession)), "invalid_grant");
        // A new session (the new stamp) works.
        Assert.Equal(HttpStatusCode.OK, (await RequestAsync(PortalClient.ClientId, PortalSecret, person)).StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, string error)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(error, body.GetProperty("error").GetString());
        Assert.False(body.TryGetProperty("access_token", out _));
    }

    private static async Task<JsonWebToken> TokenOf(HttpResponseMessage response) =>
        new JsonWebTokenHandler().ReadJsonWebToken((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString());

    private async Task ChangeAsync(string id, Func<UserManager<PortalUser>, PortalUser, Task> change)
    {
        await using var scope = hub.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        await change(users, (await users.FindByIdAsync(id))!);
    }

    /// <summary>A token request as the portal makes it, with the live session's proof (unless the test gives one).</summary>
    private async Task<HttpResponseMessage> RequestAsync(string clientId, string secret, string user, params (string Name, string Value)[] asserted)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", PortalClient.GrantType),
            new("client_id", clientId),
            new("client_secret", secret),
            new(PortalClient.UserParameter, user),
        };
        if (!asserted.Any(a => a.Name == PortalClient.SessionParameter))
            form.Add(new(PortalClient.SessionParameter, user.StartsWith("user-", StringComparison.Ordinal) ? await hub.PortalSessionProofAsync(user) : "no-session"));
        form.AddRange(asserted.Select(a => new KeyValuePair<string, string>(a.Name, a.Value)));
        return await hub.CreateClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
    }
}
