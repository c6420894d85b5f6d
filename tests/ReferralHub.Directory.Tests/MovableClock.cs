namespace ReferralHub.Directory.Tests;

/// <summary>A clock the test moves forward (months pass without waiting).</summary>
public sealed class MovableClock : TimeProvider
{
    private DateTimeOffset _now = DateTimeOffset.UtcNow;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}
