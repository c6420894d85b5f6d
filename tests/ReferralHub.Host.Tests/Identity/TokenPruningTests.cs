using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using ReferralHub.Gateway.Tokens;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Identity;

/// <summary>Stored tokens that can no longer be used leave the gateway's database; usable ones stay.</summary>
public sealed class TokenPruningTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    [Fact]
    public async Task Expired_tokens_are_pruned_and_valid_ones_kept()
    {
        await hub.TokenAsync("agency-a-system", "agency-a-secret"); // a real issued token: stored, valid for an hour
        await using var scope = hub.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var now = DateTimeOffset.UtcNow;
        var expired = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            CreationDate = now.AddDays(-3), ExpirationDate = now.AddDays(-2), Status = OpenIddictConstants.Statuses.Valid,
            Subject = "agency-a-system", Type = OpenIddictConstants.TokenTypeHints.AccessToken,
        });
        var expiredId = await tokens.GetIdAsync(expired);
        var before = await tokens.CountAsync();

        await TokenPruning.PruneOnceAsync(scope.ServiceProvider.GetRequiredService<IServiceScopeFactory>(), now.AddDays(-1), CancellationToken.None);

        // Read in a fresh scope: the first one's context still holds the entity it created.
        await using var after = hub.Services.CreateAsyncScope();
        var fresh = after.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        Assert.Null(await fresh.FindByIdAsync(expiredId!));
        Assert.Equal(before - 1, await fresh.CountAsync());
    }
}
