using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.WholeLife;

/// <summary>The whole life of a case with marker strings, embedded (in-memory bus, SQLite); see <see cref="WholeLifeFlow"/>.</summary>
public sealed class WholeLifeTests : IAsyncLifetime
{
    private readonly TransferHub _hub = new TransferHub().OnKestrel();

    public Task InitializeAsync() => _hub.InitializeAsync();

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public Task Each_marker_reaches_only_the_parties_allowed_to_read_it_at_each_moment_of_the_case() => WholeLifeFlow.RunAsync(_hub);
}
