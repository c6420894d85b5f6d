namespace ReferralHub.Testing.Hub;

/// <summary>
/// A wall clock the test moves by hand (expiry, deadlines, staleness, escalation without waiting). Only
/// <see cref="GetUtcNow"/> is manual: timers and timestamps stay real, because the hub's own loops (outbox, sweeps,
/// MassTransit, Kestrel) must keep running — which is why this is not Microsoft's FakeTimeProvider, whose timers fire
/// only when the test advances it.
/// </summary>
public sealed class ManualClock(DateTimeOffset? start = null) : TimeProvider
{
    private readonly Lock _gate = new();
    private DateTimeOffset _now = start ?? DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow()
    {
        lock (_gate) return _now;
    }

    public void Advance(TimeSpan by)
    {
        lock (_gate) _now += by;
    }
}
