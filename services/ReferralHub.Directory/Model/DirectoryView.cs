using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Directory.Persistence;

namespace ReferralHub.Directory.Model;

/// <summary>
/// An immutable in-memory copy of the whole directory, indexed for the pathway query (which must stay fast at
/// 10,000 services). Rebuilt after each edit on this instance and at least every SnapshotMaxAgeSeconds.
/// </summary>
public sealed class DirectoryView
{
    public DirectoryView(IReadOnlyList<Area> areas, IReadOnlyList<Organisation> organisations, IReadOnlyList<DirectoryService> services,
        IReadOnlyList<Pathway> pathways, DateTime loadedAt)
    {
        LoadedAt = loadedAt;
        Areas = areas.ToDictionary(a => a.Code, StringComparer.Ordinal);
        Organisations = organisations.ToDictionary(o => o.Id);
        Services = services.ToDictionary(s => s.Id);
        ServicesByTypeAndArea = services
            .Where(s => !s.Retired)
            .SelectMany(s => s.AreaCodes.Distinct().Select(a => (Key: (s.ServiceType, a), Service: s)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<DirectoryService>)[.. g.Select(x => x.Service).OrderBy(s => s.Name, StringComparer.Ordinal).ThenBy(s => s.Id)]);
        Pathways = pathways.Where(p => !p.Retired).ToDictionary(p => (p.AreaCode, p.ServiceType));
    }

    public DateTime LoadedAt { get; }

    public IReadOnlyDictionary<string, Area> Areas { get; }

    public IReadOnlyDictionary<Guid, Organisation> Organisations { get; }

    public IReadOnlyDictionary<Guid, DirectoryService> Services { get; }

    /// <summary>Live services by (service type, area where delivered).</summary>
    public IReadOnlyDictionary<(string ServiceType, string AreaCode), IReadOnlyList<DirectoryService>> ServicesByTypeAndArea { get; }

    /// <summary>Live pathways by (area, service type).</summary>
    public IReadOnlyDictionary<(string AreaCode, string ServiceType), Pathway> Pathways { get; }

    /// <summary>The area and its ancestors, nearest first (cycles are refused on edit; guarded anyway).</summary>
    public IReadOnlyList<Area> Chain(string code)
    {
        var chain = new List<Area>();
        for (var current = Areas.GetValueOrDefault(code); current is not null && chain.Count < 32; current = current.ParentCode is null ? null : Areas.GetValueOrDefault(current.ParentCode))
            chain.Add(current);
        return chain;
    }

    /// <summary>Codes from the root down to the area's parent.</summary>
    public IReadOnlyList<string> AncestorCodes(string code) => [.. Chain(code).Skip(1).Reverse().Select(a => a.Code)];

    /// <summary>True when <paramref name="code"/> is <paramref name="scope"/> or lies below it.</summary>
    public bool IsWithin(string code, string scope) => Chain(code).Any(a => a.Code == scope);
}

/// <summary>Holds the current <see cref="DirectoryView"/>; edits call <see cref="Invalidate"/> after they commit.</summary>
public sealed class DirectoryCache(IServiceScopeFactory scopes, TimeProvider clock, IOptions<DirectoryOptions> options)
{
    private readonly SemaphoreSlim _loading = new(1, 1);
    private volatile DirectoryView? _view;
    private long _generation;

    public void Invalidate()
    {
        Interlocked.Increment(ref _generation);
        _view = null;
    }

    public async ValueTask<DirectoryView> GetAsync(CancellationToken cancellationToken)
    {
        var view = _view;
        if (view is not null && !Expired(view)) return view;
        await _loading.WaitAsync(cancellationToken);
        try
        {
            view = _view;
            if (view is not null && !Expired(view)) return view;
            var generation = Interlocked.Read(ref _generation);
            var loaded = await LoadAsync(cancellationToken);
            // An edit that committed while loading may be missing from this copy: use it for this request, do not keep it.
            if (Interlocked.Read(ref _generation) == generation) _view = loaded;
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }

    private bool Expired(DirectoryView view) =>
        clock.GetUtcNow().UtcDateTime - view.LoadedAt > TimeSpan.FromSeconds(options.Value.SnapshotMaxAgeSeconds)
        || clock.GetUtcNow().UtcDateTime < view.LoadedAt;

    private async Task<DirectoryView> LoadAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<DirectoryDbContext>();
        var now = clock.GetUtcNow().UtcDateTime;
        var areas = await db.Areas.AsNoTracking().ToListAsync(cancellationToken);
        var organisations = await db.Organisations.AsNoTracking().ToListAsync(cancellationToken);
        var services = await db.Services.AsNoTracking().ToListAsync(cancellationToken);
        var pathways = await db.Pathways.AsNoTracking().ToListAsync(cancellationToken);
        return new DirectoryView(areas, organisations, services, pathways, now);
    }
}
