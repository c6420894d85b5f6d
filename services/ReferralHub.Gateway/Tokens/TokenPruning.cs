using OpenIddict.Abstractions;

namespace ReferralHub.Gateway.Tokens;

/// <summary>
/// Token storage is on (authorization codes must be redeemable once, refresh tokens revocable with their session), so
/// every issued token leaves a row in the gateway's database. Once an hour this removes the rows of tokens and ad-hoc
/// authorizations that expired, were redeemed or revoked more than a day ago (OpenIddict's own pruning), so the
/// table does not grow with every client-credentials token.
/// </summary>
public sealed class TokenPruning(IServiceScopeFactory scopes, TimeProvider clock, ILogger<TokenPruning> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromHours(1);
    public static readonly TimeSpan KeptFor = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await PruneOnceAsync(scopes, clock.GetUtcNow() - KeptFor, stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Token pruning failed; it runs again in {Interval}", Interval);
            }
        }
    }

    /// <summary>Removes tokens and authorizations no longer usable and created before <paramref name="threshold"/>.</summary>
    public static async Task<long> PruneOnceAsync(IServiceScopeFactory scopes, DateTimeOffset threshold, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tokens = await scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>().PruneAsync(threshold, ct);
        var authorizations = await scope.ServiceProvider.GetRequiredService<IOpenIddictAuthorizationManager>().PruneAsync(threshold, ct);
        return tokens + authorizations;
    }
}
