using MassTransit;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Directory;
using ReferralHub.Directory.Model;

namespace ReferralHub.Directory.Pathways.Query;

/// <summary>Answers <see cref="ResolvePathway"/> with the same rules as GET /api/v1/pathways (read-only, so not idempotent-tracked).</summary>
public sealed class ResolvePathwayResponder(DirectoryCache cache, TimeProvider clock, IOptions<DirectoryOptions> options) : IConsumer<ResolvePathway>
{
    public async Task Consume(ConsumeContext<ResolvePathway> context)
    {
        var request = context.Message;
        var view = await cache.GetAsync(context.CancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var staleAfter = options.Value.StaleAfter;

        if (request.ServiceId is { } serviceId)
        {
            // A referral addressed to a named service: that one service, whatever its accepting status.
            var found = view.Services.GetValueOrDefault(serviceId);
            var organisation = found is null ? null : view.Organisations.GetValueOrDefault(found.OrganisationId);
            var areaCode = request.AreaCode ?? found?.AreaCodes.FirstOrDefault();
            var chain = areaCode is null ? [] : view.Chain(areaCode);
            IReadOnlyList<ServiceSnapshot> services = found is { Retired: false } && organisation is { Retired: false }
                ? [found.ToSnapshot(organisation, now, staleAfter)]
                : [];
            var reoffer = request.ServiceType is not null && chain.Select(a => view.Pathways.GetValueOrDefault((a.Code, request.ServiceType))).FirstOrDefault(p => p is not null) is { ReofferToNext: true };
            await context.RespondAsync(new PathwayResolved(request.AreaCode is null || chain.Count > 0, services, reoffer,
                chain.FirstOrDefault(a => a.FocalPoints.Count > 0)?.FocalPoints.ToSnapshots() ?? [], [.. chain.Select(a => a.Code)]));
            return;
        }

        if (string.IsNullOrWhiteSpace(request.AreaCode) || string.IsNullOrWhiteSpace(request.ServiceType))
        {
            await context.RespondAsync(new PathwayResolved(false, [], false, []));
            return;
        }

        var resolution = PathwayResolver.Resolve(view,
            new PathwayQuery(request.AreaCode, request.ServiceType, request.Age, request.Sex, request.Language, request.ProtectionConcern), now, staleAfter);
        await context.RespondAsync(new PathwayResolved(
            resolution.AreaKnown,
            [.. resolution.Services.Select(r => r.Service.ToSnapshot(r.Organisation, now, staleAfter))],
            resolution.ReofferToNext,
            resolution.FocalPointArea?.FocalPoints.ToSnapshots() ?? [],
            [.. view.Chain(request.AreaCode).Select(a => a.Code)]));
    }
}
