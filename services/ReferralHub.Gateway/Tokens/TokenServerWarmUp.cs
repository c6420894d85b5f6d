using Microsoft.Extensions.Options;
using OpenIddict.Server;

namespace ReferralHub.Gateway.Tokens;

/// <summary>
/// Builds the token server's options — and with them the signing key, which a fresh data folder has to generate (an
/// RSA-2048 key: 0.1–1 s here) — while the databases are being migrated, instead of in the first request. Issue 17's
/// start-up profile: the first request after "Application started" (the first <c>/health</c>) spent its time in
/// OpenIddict's options, RSA key generation and route building, not waiting for the bus. Optional: if it fails, the
/// first request does the same work and meets the same error.
/// </summary>
internal sealed class TokenServerWarmUp(IOptionsMonitor<OpenIddictServerOptions> options, ILogger<TokenServerWarmUp> logger) : IHostedLifecycleService
{
    private Task? _warming;

    public Task StartingAsync(CancellationToken cancellationToken)
    {
        _warming = Task.Run(() =>
        {
            try
            {
                _ = options.CurrentValue; // cached by the options monitor: the first request finds it built
            }
            catch (Exception ex)
            {
                logger.LogWarning("Token server options could not be built ahead of the first request: {Error}", ex.GetType().Name);
            }
        }, CancellationToken.None);
        return Task.CompletedTask;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // A stop during start-up lets the warm-up finish first (it holds no lock and touches no database).
    public Task StopAsync(CancellationToken cancellationToken) => _warming ?? Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
