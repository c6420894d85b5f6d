using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace ReferralHub.Hosting.Messaging;

public sealed class MessagingOptions
{
    /// <summary>Immediate attempts (with exponential back-off) before a message is moved to its endpoint's error queue.</summary>
    public int RetryLimit { get; set; } = 5;

    public TimeSpan RetryMinInterval { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan RetryMaxInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Messages each receive endpoint handles at the same time (and, on RabbitMQ, fetches ahead). MassTransit's default
    /// follows the core count (2 here), so two consumers waiting on a request/response or a database commit held a
    /// whole queue still. Consumers stay correct at any value: each handles its message in its own transaction with
    /// its inbox, and per-aggregate state checks (routing step, concurrency tokens) settle races.
    /// </summary>
    public int ConcurrentMessageLimit { get; set; } = 16;
}

public static class MessageBus
{
    /// <summary>
    /// Lets a service module add its consumers; <see cref="AddMessageBus"/> applies all of them to one bus.
    /// Every consumer's receive endpoint (queue) is named after its owning service, <c>{service}-{consumer}</c>, so two
    /// services that both subscribe to an event each get their own queue bound to the event's exchange instead of
    /// competing for one (docs/messaging.md, "Queue ownership").
    /// </summary>
    public static IHostApplicationBuilder AddBusConsumers(this IHostApplicationBuilder builder, string service, Action<ServiceConsumers> register)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(service);
        var ownership = Ownership(builder.Services);
        Modules(builder.Services).Add(bus => register(new ServiceConsumers(service, bus, ownership)));
        return builder;
    }

    /// <summary>
    /// One bus for the process. <c>ConnectionStrings:RabbitMq</c> (amqp://…) selects RabbitMQ with quorum queues,
    /// durable topology and publisher confirms; without it the in-memory transport is used (the embedded default).
    /// Call after every module's Add… so all consumers are known.
    /// </summary>
    public static IHostApplicationBuilder AddMessageBus(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Messaging").Get<MessagingOptions>() ?? new MessagingOptions();
        var rabbitMq = builder.Configuration.GetConnectionString("RabbitMq");
        var modules = Modules(builder.Services);
        Ownership(builder.Services); // also for a process that consumes nothing (gateway, portal)

        builder.Services.Configure<OutboxOptions>(builder.Configuration.GetSection("Messaging:Outbox"));
        builder.Services.AddSingleton<MessagingFaults>();
        builder.Services.AddSingleton(new BusTransportInfo(string.IsNullOrWhiteSpace(rabbitMq) ? "in-memory" : "rabbitmq", rabbitMq));
        builder.Services.AddConsumeObserver<MessagingFaultObserver>();
        builder.Services.AddSingleton<ReceiveEndpointRegistry>();
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<ReceiveEndpointRegistry>());
        builder.Services.AddSingleton<ErrorQueueInspector>();
        builder.Services.AddSingleton<BusTopologyCheck>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<BusTopologyCheck>());
        builder.Services.AddHealthChecks().AddCheck<BusTopologyHealthCheck>("bus-topology", tags: ["ready"]);

        builder.Services.AddMassTransit(bus =>
        {
            bus.SetKebabCaseEndpointNameFormatter();
            bus.DisableUsageTelemetry(); // it would call an outside host; the hub talks only to its own broker
            foreach (var register in modules) register(bus);

            bus.AddConfigureEndpointsCallback((_, _, endpoint) =>
            {
                endpoint.UseMessageRetry(retry => retry.Exponential(
                    options.RetryLimit, options.RetryMinInterval, options.RetryMaxInterval, options.RetryMinInterval));
                if (options.ConcurrentMessageLimit > 0)
                {
                    endpoint.PrefetchCount = options.ConcurrentMessageLimit;
                    endpoint.ConcurrentMessageLimit = options.ConcurrentMessageLimit;
                }
                if (endpoint is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.SetQuorumQueue();
            });

            if (string.IsNullOrWhiteSpace(rabbitMq))
            {
                bus.UsingInMemory((context, cfg) => cfg.ConfigureEndpoints(context));
            }
            else
            {
                bus.UsingRabbitMq((context, cfg) =>
                {
                    cfg.Host(new Uri(rabbitMq), host =>
                    {
                        host.PublisherConfirmation = true;
                        host.Heartbeat(TimeSpan.FromSeconds(10));
                    });
                    cfg.Durable = true;
                    cfg.ConfigureEndpoints(context);
                });
            }
        });
        builder.Services.AddOptions<MassTransitHostOptions>().Configure(o =>
        {
            o.WaitUntilStarted = false; // health reports readiness; start-up must not hang on a broker that is still booting
            o.StopTimeout = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    private static QueueOwnership Ownership(IServiceCollection services)
    {
        if (services.FirstOrDefault(d => d.ServiceType == typeof(QueueOwnership))?.ImplementationInstance is QueueOwnership existing) return existing;
        var ownership = new QueueOwnership();
        services.AddSingleton(ownership);
        return ownership;
    }

    private static List<Action<IBusRegistrationConfigurator>> Modules(IServiceCollection services)
    {
        var existing = services.FirstOrDefault(d => d.ServiceType == typeof(BusModules))?.ImplementationInstance as BusModules;
        if (existing is not null) return existing.Registrations;
        var modules = new BusModules();
        services.AddSingleton(modules);
        return modules.Registrations;
    }

    private sealed class BusModules
    {
        public List<Action<IBusRegistrationConfigurator>> Registrations { get; } = [];
    }
}

public sealed record BusTransportInfo(string Transport, string? ConnectionString);
