using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using ReferralHub.Testing;
using ReferralHub.Transfers.Persistence;
using ReferralHub.Transfers.Tests.Infrastructure;

namespace ReferralHub.Transfers.Tests.RealServers;

/// <summary>
/// The distributed setting: pathway and consent requests and the events over a real RabbitMQ broker, the transfer
/// and consent databases on a real PostgreSQL server.
/// </summary>
[Collection(TestCollections.Servers)]
public sealed class RealServersTests(RabbitMqServer rabbit, PostgresServer postgres) : IAsyncLifetime
{
    private TransferHub _hub = null!;

    public async Task InitializeAsync()
    {
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var vhost = await rabbit.CreateVirtualHostAsync($"transfers-{suffix}");
        _hub = new TransferHub().OnKestrel(); // the whole life reads the FHIR facade and the portal, which call the hub over HTTP
        _hub.Settings["ConnectionStrings:RabbitMq"] = vhost.ToString();
        _hub.Settings["ConnectionStrings:transfers"] = postgres.ConnectionStringFor($"transfers_{suffix}");
        _hub.Settings["ConnectionStrings:consent"] = postgres.ConnectionStringFor($"consent_{suffix}");
        _hub.Settings["ConnectionStrings:referrals"] = postgres.ConnectionStringFor($"referrals_{suffix}");
        await _hub.InitializeAsync();
    }

    public async Task DisposeAsync() => await _hub.DisposeAsync();

    [Fact]
    public Task The_whole_life_of_a_case_releases_each_marker_only_to_whom_it_may_over_RabbitMQ_and_PostgreSQL() =>
        WholeLife.WholeLifeFlow.RunAsync(_hub);

    [Fact]
    public Task The_responsibility_event_reaches_referrals_over_RabbitMQ_once_and_the_open_referral_follows_the_case() =>
        Referrals.CaseFollowsTransferFlow.OpenReferralReportsToTheReceivingAgencyOnceAsync(_hub);

    [Fact]
    public async Task The_handover_runs_over_RabbitMQ_and_PostgreSQL_consent_first_and_responsibility_moves_once()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode, summary: new() { ["child.name"] = "Real Server Child" }))).Id();

        var before = await receiver.GetAsync($"/api/v1/transfers/{id}/package");
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var confirmed = await receiver.ConfirmAsync(id).OkAsync("confirm");
        var package = await receiver.GetStringAsync($"/api/v1/transfers/{id}/package");
        await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { }).OkAsync("acknowledge");
        var repeated = await receiver.PostAsJsonAsync($"/api/v1/transfers/{id}/acknowledge", new { }).OkAsync("acknowledge again");
        var published = await _hub.ResponsibilityMessagesAsync(id);

        Assert.Equal(HttpStatusCode.Conflict, before.StatusCode);
        Assert.Equal("released", confirmed.Status());
        Assert.Contains("Real Server Child", package);
        Assert.Equal("acknowledged", repeated.Status());
        Assert.NotNull(Assert.Single(published).SentAt);
        await using var scope = _hub.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<TransfersDbContext>();
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        var stored = await db.TransferItems.AsNoTracking().SingleAsync(i => i.TransferId == id);
        Assert.DoesNotContain("Real Server Child", stored.ProtectedValue);
    }

    [Fact]
    public async Task A_consent_withdrawal_over_RabbitMQ_cancels_the_transfer()
    {
        var sender = await _hub.SenderAsync();
        var receiver = await _hub.ClientAsync(TransferHub.Receiver);
        var caseCode = TransferApi.NewCase();
        await sender.RecordTransferConsentAsync(caseCode, _hub.Clock);
        var id = (await sender.RequestAsync(TransferApi.Request(caseCode))).Id();
        await receiver.ConfirmAsync(id).OkAsync("confirm");

        (await sender.PostAsync($"/api/v1/consents/{caseCode}/withdraw", null)).EnsureSuccessStatusCode();
        var cancelled = await sender.WaitForStatusAsync(id, "cancelled");

        Assert.Equal("cancelled", cancelled.Status());
        Assert.Equal(HttpStatusCode.Conflict, (await receiver.GetAsync($"/api/v1/transfers/{id}/package")).StatusCode);
    }
}
