using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>
/// Signing-key rotation (docs/operations.md, "Rotation"): with the new key in <c>Auth:SigningKeyPem</c> and the old one
/// in <c>Auth:PreviousSigningKeyPem</c>, both are published and tokens signed with the old key stay valid until they
/// expire; new tokens carry the new key. Once the old key is dropped, its tokens are refused.
/// </summary>
public sealed class SigningKeyRotationTests
{
    private const string Secret = "rotation-test-secret-0123456789";

    [Fact]
    public async Task Old_tokens_stay_valid_during_the_overlap_and_new_tokens_use_the_new_key()
    {
        var data = System.IO.Directory.CreateTempSubdirectory("referralhub-rotation-").FullName;
        var ring = System.IO.Directory.CreateTempSubdirectory("referralhub-rotation-ring-").FullName;
        var (oldKey, newKey) = (ProductionSettings.NewSigningKeyPem(), ProductionSettings.NewSigningKeyPem());

        string oldToken;
        await using (var before = Hub(data, ring, keepData: true, ("Auth:SigningKeyPem", oldKey)))
        {
            await before.InitializeAsync();
            oldToken = await before.TokenAsync("ngo-x-system", Secret);
            Assert.Equal(HttpStatusCode.OK, await MeAsync(before, oldToken));
        }

        string newToken;
        await using (var overlap = Hub(data, ring, keepData: true, ("Auth:SigningKeyPem", newKey), ("Auth:PreviousSigningKeyPem", oldKey)))
        {
            await overlap.InitializeAsync();
            Assert.Equal(HttpStatusCode.OK, await MeAsync(overlap, oldToken));
            newToken = await overlap.TokenAsync("ngo-x-system", Secret);
            Assert.NotEqual(KeyIdOf(oldToken), KeyIdOf(newToken));
            Assert.Equal(HttpStatusCode.OK, await MeAsync(overlap, newToken));
            var jwks = await overlap.CreateClient().GetFromJsonAsync<JsonElement>("/.well-known/jwks");
            var published = jwks.GetProperty("keys").EnumerateArray().Select(k => k.GetProperty("kid").GetString()).ToList();
            Assert.Equal(2, published.Count);
            Assert.Contains(KeyIdOf(oldToken), published);
            Assert.Contains(KeyIdOf(newToken), published);
        }

        await using var after = Hub(data, ring, keepData: false, ("Auth:SigningKeyPem", newKey));
        await after.InitializeAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await MeAsync(after, oldToken));
        Assert.Equal(HttpStatusCode.OK, await MeAsync(after, newToken));
    }

    private static ProductionHubFactory Hub(string data, string ring, bool keepData, params (string Key, string Value)[] keys)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Auth:Clients:0:ClientId"] = "ngo-x-system",
            ["Auth:Clients:0:ClientSecret"] = Secret,
            ["Auth:Clients:0:Agency"] = "ngo-x",
            ["Auth:Clients:0:Roles:0"] = "referrer",
        };
        foreach (var (key, value) in keys) settings[key] = value;
        return new ProductionHubFactory { DataDirectory = data, KeyRingDirectory = ring, KeepData = keepData, Settings = settings };
    }

    private static async Task<HttpStatusCode> MeAsync(ProductionHubFactory hub, string token)
    {
        var client = hub.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return (await client.GetAsync("/api/v1/me")).StatusCode;
    }

    private static string? KeyIdOf(string jwt) =>
        JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[0])).RootElement.GetProperty("kid").GetString();
}
