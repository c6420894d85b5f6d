using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Hosting.Auth;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

public sealed class TokenTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task A_client_credentials_token_carries_the_agency_and_roles()
    {
        var token = new JsonWebTokenHandler().ReadJsonWebToken(await hub.TokenAsync("agency-a-system", "agency-a-secret"));

        Assert.Equal("agency-a-system", token.Subject);
        Assert.Equal("agency-a", token.GetClaim("agency").Value);
        Assert.Equal(["referrer"], token.Claims.Where(c => c.Type == "role").Select(c => c.Value).Order());
        Assert.Contains(HubClaims.ApiAudience, token.Audiences);
        Assert.Equal("http://localhost:5080/", token.Issuer);
    }

    [Fact]
    public async Task The_api_reads_agency_and_roles_from_the_token()
    {
        var client = await hub.ClientForAsync("agency-b-system", "agency-b-secret");

        var caller = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal("agency-b", caller.GetProperty("agency").GetString());
        Assert.Equal(["provider"], caller.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task A_pathway_maintainer_token_names_its_areas()
    {
        var client = await hub.ClientForAsync("pathways-system", "pathways-secret");

        var caller = await client.GetFromJsonAsync<JsonElement>("/api/v1/me");

        Assert.Equal(["demo-district"], caller.GetProperty("areas").EnumerateArray().Select(r => r.GetString()));
    }

    [Theory]
    [InlineData("agency-a-system", "wrong-secret")]
    [InlineData("no-such-client", "agency-a-secret")]
    public async Task Wrong_client_credentials_get_no_token(string clientId, string secret)
    {
        var response = await hub.RequestTokenAsync(clientId, secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_call_without_a_token_gets_401_problem_details()
    {
        var response = await hub.CreateClient().GetAsync("/api/v1/me");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(401, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
    }

    [Fact]
    public async Task A_token_without_the_role_gets_403()
    {
        var client = await hub.ClientForAsync("agency-a-system", "agency-a-secret");

        var response = await client.GetAsync("/ops/messaging");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_token_with_the_role_is_let_through()
    {
        var client = await hub.ClientForAsync("ops-system", "ops-secret");

        var status = await client.GetFromJsonAsync<JsonElement>("/ops/messaging");

        Assert.Equal("in-memory", status.GetProperty("transport").GetString());
        Assert.Equal(6, status.GetProperty("outboxes").GetArrayLength());
    }

    public static TheoryData<string> ForgedTokens => new() { "expired", "foreign-signed", "wrong-audience", "wrong-issuer", "garbage" };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Expired_forged_or_foreign_tokens_get_401(string kind)
    {
        var key = hub.Services.GetRequiredService<HubSigningKey>().Key;
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = "http://localhost:5080/",
            Audience = HubClaims.ApiAudience,
            Subject = new ClaimsIdentity([new Claim("sub", "agency-a-system"), new Claim("agency", "agency-a"), new Claim("role", "operator")]),
            IssuedAt = now.AddMinutes(-5),
            NotBefore = now.AddMinutes(-5),
            Expires = now.AddMinutes(30),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        };
        switch (kind)
        {
            case "expired":
                descriptor.IssuedAt = descriptor.NotBefore = now.AddHours(-3);
                descriptor.Expires = now.AddHours(-2);
                break;
            case "foreign-signed":
                descriptor.SigningCredentials = new SigningCredentials(new RsaSecurityKey(RSA.Create(2048)) { KeyId = key.KeyId }, SecurityAlgorithms.RsaSha256);
                break;
            case "wrong-audience":
                descriptor.Audience = "some-other-api";
                break;
            case "wrong-issuer":
                descriptor.Issuer = "http://attacker.example/";
                break;
        }

        var token = kind == "garbage" ? "not-a-jwt" : new JsonWebTokenHandler().CreateToken(descriptor);
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("/ops/messaging");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_well_formed_token_from_the_hub_key_is_accepted_so_the_forgery_cases_above_are_meaningful()
    {
        var key = hub.Services.GetRequiredService<HubSigningKey>().Key;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "http://localhost:5080/",
            Audience = HubClaims.ApiAudience,
            Subject = new ClaimsIdentity([new Claim("sub", "ops-system"), new Claim("agency", "hub"), new Claim("role", "operator")]),
            Expires = DateTime.UtcNow.AddMinutes(30),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/ops/messaging")).StatusCode);
    }
}
