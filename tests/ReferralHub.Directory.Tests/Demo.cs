using System.Net.Http.Json;
using System.Text.Json;
using ReferralHub.Directory.Seeding;

namespace ReferralHub.Directory.Tests;

/// <summary>Names of the seeded demo mapping and the demo API clients the tests rely on.</summary>
internal static class Demo
{
    public const string District = "demo-district";
    public const string Camp1 = "demo-camp-1";
    public const string Camp1BlockA = "demo-camp-1-block-a";

    public static readonly Guid AgencyBMhpss = DemoDirectorySeeder.ServiceId("agency-b", "specialised-mhpss");
    public static readonly Guid AgencyFMhpss = DemoDirectorySeeder.ServiceId("agency-f", "specialised-mhpss");
    public static readonly Guid AgencyBOrganisation = DemoDirectorySeeder.IdFor("organisation:agency-b");
    public static readonly Guid MhpssPathway = DemoDirectorySeeder.IdFor("pathway:demo-district:specialised-mhpss");

    public static (string Id, string Secret) Pathways => ("pathways-system", "pathways-secret");
    public static (string Id, string Secret) Coordinator => ("coordinator-system", "coordinator-secret");
    public static (string Id, string Secret) AgencyA => ("agency-a-system", "agency-a-secret");
    public static (string Id, string Secret) AgencyB => ("agency-b-system", "agency-b-secret");
    public static (string Id, string Secret) Ops => ("ops-system", "ops-secret");

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType?.Contains("json") != true)
            throw new InvalidOperationException($"{(int)response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<JsonElement> GetJsonAsync(this HttpClient client, string url)
    {
        var response = await client.GetAsync(url);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.JsonAsync();
    }

    /// <summary>The items of a list's first page (<c>{ items, nextCursor }</c>); the lists in these tests fit one page.</summary>
    public static async Task<JsonElement> GetItemsAsync(this HttpClient client, string url) =>
        (await client.GetJsonAsync(url)).GetProperty("items");

    public static Task<HttpResponseMessage> PatchJsonAsync<T>(this HttpClient client, string url, T body) =>
        client.PatchAsync(url, JsonContent.Create(body));

    public static IEnumerable<string> Strings(this JsonElement array, string property) =>
        array.EnumerateArray().Select(e => e.GetProperty(property).ToString());
}

/// <summary>A hub with the demo clients plus extra ones: an agency-admin of agency-b and a maintainer of camp 1 only.</summary>
public class DirectoryHubFactory : ReferralHub.Testing.Hub.EmbeddedHubFactory
{
    public DirectoryHubFactory()
    {
        Settings["Auth:Clients:0:ClientId"] = "agency-b-admin";
        Settings["Auth:Clients:0:ClientSecret"] = "agency-b-admin-secret";
        Settings["Auth:Clients:0:Agency"] = "agency-b";
        Settings["Auth:Clients:0:Roles:0"] = "agency-admin";
        Settings["Auth:Clients:1:ClientId"] = "camp1-maintainer";
        Settings["Auth:Clients:1:ClientSecret"] = "camp1-secret";
        Settings["Auth:Clients:1:Agency"] = "camp1-cpfp";
        Settings["Auth:Clients:1:Roles:0"] = "pathway-maintainer";
        Settings["Auth:Clients:1:Areas:0"] = "demo-camp-1";
    }

    public static (string Id, string Secret) AgencyBAdmin => ("agency-b-admin", "agency-b-admin-secret");
    public static (string Id, string Secret) Camp1Maintainer => ("camp1-maintainer", "camp1-secret");

    public Task<HttpClient> ClientForAsync((string Id, string Secret) client) => ClientForAsync(client.Id, client.Secret);
}
