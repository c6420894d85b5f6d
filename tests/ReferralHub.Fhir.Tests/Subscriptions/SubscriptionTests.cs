using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using ReferralHub.Fhir.Tests.Support;
using ReferralHub.Testing;
using FhirTask = Hl7.Fhir.Model.Task;

namespace ReferralHub.Fhir.Tests.Subscriptions;

/// <summary>The embedded hub with agency admins of agencies A and D (they register callbacks) and quick retries.</summary>
public sealed class SubscriptionHub : FhirHub
{
    public SubscriptionHub()
    {
        string[][] admins = [["agency-a-admin-fhir", "agency-a"], ["agency-d-admin-fhir", "agency-d"]];
        for (var i = 0; i < admins.Length; i++)
        {
            Settings[$"Auth:Clients:{i}:ClientId"] = admins[i][0];
            Settings[$"Auth:Clients:{i}:ClientSecret"] = admins[i][0] + "-secret";
            Settings[$"Auth:Clients:{i}:Agency"] = admins[i][1];
            Settings[$"Auth:Clients:{i}:Roles:0"] = "agency-admin";
        }
        Settings["Referrals:Webhooks:RetryBaseDelay"] = "00:00:00.100";
        Settings["Referrals:Webhooks:MaxDelay"] = "00:00:00.500";
    }

    public Task<FhirClient> AdminAsync(string agency) => ClientAsync($"{agency}-admin-fhir", $"{agency}-admin-fhir-secret");
}

/// <summary>
/// R4 Subscription (rest-hook) on Task changes, delivered by the hub's webhook machinery to a real HTTP receiver on
/// loopback: signed as the webhooks are, no payload, one notification per matching change, in order; another agency's
/// subscription hears nothing; failures turn the Subscription to error; delete stops it.
/// </summary>
public sealed class SubscriptionTests(SubscriptionHub hub) : IClassFixture<SubscriptionHub>
{
    private static Subscription RestHook(string endpoint, string criteria, string? secret = null)
    {
        var subscription = new Subscription
        {
            Status = Subscription.SubscriptionStatus.Requested,
            Reason = "Our referrals' progress",
            Criteria = criteria,
            Channel = new Subscription.ChannelComponent { Type = Subscription.SubscriptionChannelType.RestHook, Endpoint = endpoint },
        };
        if (secret is not null) subscription.SetStringExtension(ReferralHub.Fhir.FhirSystems.SigningSecretExtension, secret);
        return subscription;
    }

    private async Task<string> OfferedAsync(string caseCode)
    {
        var referrer = await hub.ReferrerAsync();
        await referrer.CreateAsync(FhirData.ConsentForm(caseCode, ["mental-health"]));
        var response = await referrer.TransactionAsync(FhirData.ReferralTransaction(caseCode, caseCode.ToLowerInvariant()));
        var id = response!.Entry.Single(e => e.Resource is ServiceRequest).Resource.Id;
        await FhirHub.WaitForTaskAsync(referrer, id, FhirTask.TaskStatus.Received);
        return id;
    }

    private async System.Threading.Tasks.Task AnswerAsync(string id, FhirTask.TaskStatus status)
    {
        var provider = await hub.ProviderAsync();
        var task = await provider.ReadAsync<FhirTask>($"Task/{id}");
        task!.Status = status;
        await provider.UpdateAsync(task);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_status_change_is_one_signed_notification_and_another_agency_hears_nothing()
    {
        using var receiver = new Receiver();
        using var otherAgency = new Receiver();
        var admin = await hub.AdminAsync("agency-a");
        const string secret = "a-shared-secret-for-fhir-0123";

        var created = await admin.CreateAsync(RestHook(receiver.Url, "Task?status=accepted,in-progress", secret));
        var other = await (await hub.AdminAsync("agency-d")).CreateAsync(RestHook(otherAgency.Url, "Task?status=accepted,in-progress"));
        Assert.Equal(Subscription.SubscriptionStatus.Active, created!.Status);
        Assert.Equal(secret, created.GetStringExtension(ReferralHub.Fhir.FhirSystems.SigningSecretExtension));
        var read = await admin.ReadAsync<Subscription>($"Subscription/{created.Id}");
        Assert.Equal(Subscription.SubscriptionStatus.Active, read!.Status);
        Assert.Equal("Task?status=accepted,in-progress", read.Criteria);
        Assert.Null(read.GetStringExtension(ReferralHub.Fhir.FhirSystems.SigningSecretExtension)); // shown once, at creation

        var id = await OfferedAsync("FHIR-SUB-1"); // submitted, offered: outside the criteria
        await AnswerAsync(id, FhirTask.TaskStatus.Accepted);
        var first = await receiver.WaitForAsync(1);
        await AnswerAsync(id, FhirTask.TaskStatus.InProgress);
        var calls = await receiver.WaitForAsync(2);

        Assert.Equal(2, calls.Count);
        Assert.All(calls, call =>
        {
            Assert.Equal("", call.Body); // R4 rest-hook without payload: just a notification, nothing of the referral
            var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{call.Timestamp}.")));
            Assert.Equal(expected, call.Signature);
        });
        Assert.Equal(2, calls.Select(c => c.Delivery).Distinct().Count());
        Assert.Equal(first[0].Delivery, calls[0].Delivery); // in order
        Assert.Empty(otherAgency.Calls);
        Assert.NotNull(other);

        // Deleted: read is 404 and nothing more is sent.
        await admin.DeleteAsync($"Subscription/{created.Id}");
        var gone = await Assert.ThrowsAsync<FhirOperationException>(() => admin.ReadAsync<Subscription>($"Subscription/{created.Id}"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Status);
    }

    [Fact]
    public async System.Threading.Tasks.Task Repeated_failures_turn_the_subscription_to_error()
    {
        using var receiver = new Receiver { Down = true };
        var admin = await hub.AdminAsync("agency-a");
        var created = await admin.CreateAsync(RestHook(receiver.Url, "Task"));

        await OfferedAsync("FHIR-SUB-ERR");
        var deadline = DateTime.UtcNow.AddSeconds(60); // a hang guard, not a speed check
        Subscription? read;
        do
        {
            read = await admin.ReadAsync<Subscription>($"Subscription/{created!.Id}");
            if (read!.Status == Subscription.SubscriptionStatus.Error) break;
            await System.Threading.Tasks.Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Equal(Subscription.SubscriptionStatus.Error, read!.Status);
        Assert.False(string.IsNullOrEmpty(read.Error));
        await admin.DeleteAsync($"Subscription/{created!.Id}");
    }

    [Fact]
    public async System.Threading.Tasks.Task Subscriptions_the_hub_cannot_honour_are_refused_naming_the_element()
    {
        var admin = await hub.AdminAsync("agency-a");
        async System.Threading.Tasks.Task<FhirOperationException> RefusedAsync(Subscription subscription, HttpStatusCode status, FhirClient? client = null)
        {
            var error = await Assert.ThrowsAsync<FhirOperationException>(() => (client ?? admin).CreateAsync(subscription));
            Assert.Equal(status, error.Status);
            return error;
        }

        var websocket = RestHook("http://127.0.0.1:9/hook", "Task");
        websocket.Channel.Type = Subscription.SubscriptionChannelType.Websocket;
        Assert.Contains("Subscription.channel.type", (await RefusedAsync(websocket, (HttpStatusCode)422)).Outcome.Issue[0].Expression);
        var payload = RestHook("http://127.0.0.1:9/hook", "Task");
        payload.Channel.Payload = "application/fhir+json";
        Assert.Contains("Subscription.channel.payload", (await RefusedAsync(payload, (HttpStatusCode)422)).Outcome.Issue[0].Expression);
        Assert.Contains("Subscription.criteria", (await RefusedAsync(RestHook("http://127.0.0.1:9/hook", "Patient?name=x"), (HttpStatusCode)422)).Outcome.Issue[0].Expression);
        Assert.Contains("Subscription.criteria", (await RefusedAsync(RestHook("http://127.0.0.1:9/hook", "Task?status=sleeping"), (HttpStatusCode)422)).Outcome.Issue[0].Expression);
        Assert.Contains("Subscription.criteria", (await RefusedAsync(RestHook("http://127.0.0.1:9/hook", $"Task?requester:identifier={ReferralHub.Fhir.FhirSystems.OrganisationCode}|agency-d"), HttpStatusCode.Forbidden)).Outcome.Issue[0].Expression);
        await RefusedAsync(RestHook("ftp://127.0.0.1/hook", "Task"), HttpStatusCode.BadRequest); // the REST API's rule on the url
        // A caseworker system may not point the agency's data at an address: registering a callback is an agency admin's act.
        await RefusedAsync(RestHook("http://127.0.0.1:9/hook", "Task"), HttpStatusCode.Forbidden, await hub.ReferrerAsync());
        // Permission before validation: a caller without the role gets 403 naming the role, not a lesson on what a valid
        // Subscription would be.
        var wrongForReferrer = await RefusedAsync(websocket, HttpStatusCode.Forbidden, await hub.ReferrerAsync());
        Assert.Contains("agency-admin", wrongForReferrer.Outcome.Issue[0].Diagnostics);

        var missing = await Assert.ThrowsAsync<FhirOperationException>(() => admin.ReadAsync<Subscription>($"Subscription/{Guid.NewGuid()}"));
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
    }

    /// <summary>An agency's receiving system on loopback: records every call; answers 503 while down.</summary>
    public sealed class Receiver : IDisposable
    {
        private readonly CallbackReceiver _server;

        public Receiver() => _server = new CallbackReceiver((request, body) =>
        {
            if (Down) return 503;
            Calls.Enqueue((request.Headers["X-ReferralHub-Timestamp"] ?? "", request.Headers["X-ReferralHub-Signature"] ?? "",
                request.Headers["X-ReferralHub-Delivery"] ?? "", body));
            return 204;
        }, "/fhir-notifications");

        public string Url => _server.Url;

        public volatile bool Down;

        public ConcurrentQueue<(string Timestamp, string Signature, string Delivery, string Body)> Calls { get; } = new();

        public async System.Threading.Tasks.Task<List<(string Timestamp, string Signature, string Delivery, string Body)>> WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow.AddSeconds(60); // a hang guard, not a speed check
            while (Calls.Count < count && DateTime.UtcNow < deadline) await System.Threading.Tasks.Task.Delay(50);
            Assert.True(Calls.Count >= count, $"{Calls.Count} notifications, expected {count}");
            return [.. Calls];
        }

        public void Dispose() => _server.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
}
