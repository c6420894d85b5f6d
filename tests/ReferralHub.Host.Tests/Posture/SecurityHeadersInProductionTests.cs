using System.Net;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Posture;

/// <summary>Outside Development the portal's answers also tell browsers to use HTTPS only (HSTS), besides the other protections.</summary>
public sealed class SecurityHeadersInProductionTests(ProductionHubFactory production) : IClassFixture<ProductionHubFactory>
{
    [Fact]
    public async Task The_sign_in_page_and_a_redirect_carry_hsts_and_the_content_security_policy()
    {
        using var client = production.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        foreach (var path in new[] { "/account/sign-in", "/agency/users" })
        {
            using var response = await client.GetAsync(path);

            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Redirect, $"{path}: {response.StatusCode}");
            Assert.Equal("max-age=31536000", string.Join(",", response.Headers.GetValues("Strict-Transport-Security")));
            Assert.Contains("frame-ancestors 'none'", string.Join(",", response.Headers.GetValues("Content-Security-Policy")));
            Assert.Equal("DENY", string.Join(",", response.Headers.GetValues("X-Frame-Options")));
        }
    }
}
