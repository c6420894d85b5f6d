using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Messaging;

/// <summary>
/// Finds work left in a transient state for too long (a lost in-memory message, a crash between steps) and moves it on
/// again, normally by re-publishing through the outbox. Must be safe to run any number of times: consumers are idempotent.
/// </summary>
public interface IRedriveSweep
{
    /// <summary>How often the sweep runs.</summary>
    TimeSpan Interval { get; }

    /// <summary>Returns how many items were re-driven (or, for a retention sweep, deleted).</summary>
    Task<int> SweepAsync(CancellationToken cancellationToken);
}

public static class RedriveRegistration
{
    /// <summary>
    /// Runs <typeparamref name="TSweep"/> periodically in its own scope, in one replica at a time (a lease on
    /// <typeparamref name="TContext"/>'s database), so a period's sweep runs once however many replicas there are.
    /// </summary>
    public static IServiceCollection AddRedriveSweep<TSweep, TContext>(this IServiceCollection services)
        where TSweep : class, IRedriveSweep where TContext : ServiceDbContext
    {
        services.AddScoped<TSweep>();
        services.AddSingleton<IHostedService, RedriveSweepRunner<TSweep, TContext>>();
        return services;
    }
}

internal sealed class RedriveSweepRunner<TSweep, TContext>(
    IServiceScopeFactory scopes, ServiceLeases<TContext> leases, ILogger<RedriveSweepRunner<TSweep, TContext>> logger) : BackgroundService
    where TSweep : class, IRedriveSweep where TContext : ServiceDbContext
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        TimeSpan interval;
        await using (var probe = scopes.CreateAsyncScope()) interval = probe.ServiceProvider.GetRequiredService<TSweep>().Interval;

        using var timer = new PeriodicTimer(interval);
        while (await WaitAsync(timer, stoppingToken))
        {
            try
            {
                if (!await leases.HoldAsync($"sweep:{typeof(TSweep).Name}", stoppingToken)) continue;
                await using var scope = scopes.CreateAsyncScope();
                var count = await scope.ServiceProvider.GetRequiredService<TSweep>().SweepAsync(stoppingToken);
                if (count > 0) logger.LogInformation("{Sweep} handled {Count} item(s)", typeof(TSweep).Name, count);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                logger.LogWarning(ex, "{Sweep} failed; it runs again in {Interval}", typeof(TSweep).Name, interval);
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try { return await timer.WaitForNextTickAsync(stoppingToken); }
        catch (OperationCanceledException) { return false; }
    }
}
