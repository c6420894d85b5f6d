using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ReferralHub.Hosting.Messaging;
using ReferralHub.Reliability.Worker;

// Usage: ReferralHub.Reliability.Worker [--produce N]
// Configuration (environment): ConnectionStrings__Postgres / ConnectionStrings__RabbitMq, or Storage__DataDirectory for SQLite + in-memory.
// With --produce it commits N work requests (each with its outbox message) at a steady pace while consuming; without, it only
// drains: publishes what the outbox still holds, consumes, and re-drives stuck requests. The tests kill it with SIGKILL.
var builder = Host.CreateApplicationBuilder(args);
builder.AddReliabilityDomain();
builder.AddMessageBus();
var produce = builder.Configuration.GetValue<int?>("produce") ?? 0;
if (produce > 0) builder.Services.AddHostedService(sp => new Producer(sp, produce));

var app = builder.Build();
await app.RunAsync();

internal sealed class Producer(IServiceProvider services, int count) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        for (var i = 0; i < count && !stoppingToken.IsCancellationRequested; i++)
        {
            await using var scope = services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<ReliabilityDbContext>();
            await WorkRequests.SubmitAsync(db, clock, stoppingToken);
            await Task.Delay(5, stoppingToken);
        }

        Console.WriteLine($"produced {count}");
    }
}
