using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Editing;
using ReferralHub.Directory.Hsds;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Web;

namespace ReferralHub.Directory.Exchange;

/// <summary>Export and import of the whole mapping (API and the host's <c>directory export|import</c> verbs).</summary>
public static class DirectoryExchange
{
    public static async Task<HsdsDataSet> ExportAsync(DirectoryDbContext db, DateTime now, CancellationToken ct)
    {
        var areas = await db.Areas.AsNoTracking().Where(a => !a.Retired).ToListAsync(ct);
        var organisations = await db.Organisations.AsNoTracking().Where(o => !o.Retired).ToListAsync(ct);
        var live = organisations.ToDictionary(o => o.Id);
        var services = (await db.Services.AsNoTracking().Where(s => !s.Retired).ToListAsync(ct)).Where(s => live.ContainsKey(s.OrganisationId)).ToList();
        var pathways = await db.Pathways.AsNoTracking().Where(p => !p.Retired).ToListAsync(ct);
        var view = new DirectoryView(areas, organisations, [], [], now);
        // A pathway may still name a retired service (routing skips it); the data set holds only live ones.
        var exported = services.Select(s => s.Id).ToHashSet();

        return new HsdsDataSet("3.0", ServiceTypes.TaxonomyVersion,
            [.. organisations.OrderBy(o => o.Id.ToString(), StringComparer.Ordinal).Select(o => HsdsMapper.Organization(o, full: true))],
            [.. services.OrderBy(s => s.Id.ToString(), StringComparer.Ordinal).Select(s => HsdsMapper.Service(s, live[s.OrganisationId], view, full: true, extension: true, now))],
            HsdsMapper.Terms,
            [.. areas.OrderBy(a => a.Code, StringComparer.Ordinal).Select(a => new AreaRecord(a.Code, a.Name, a.Level, a.ParentCode,
                [.. a.FocalPoints.Select(f => HsdsMapper.Contact(f, null, null))], a.LastReviewedAt))],
            [.. pathways.OrderBy(p => p.AreaCode, StringComparer.Ordinal).ThenBy(p => p.ServiceType, StringComparer.Ordinal)
                .Select(p => new PathwayRecord(p.Id.ToString(), p.AreaCode, p.ServiceType, [.. p.ServiceIds.Where(exported.Contains).Select(i => i.ToString())], p.ReofferToNext, p.LastReviewedAt))]);
    }

    public static string Serialize(HsdsDataSet data) => JsonSerializer.Serialize(data, new JsonSerializerOptions(HsdsJson.Options) { WriteIndented = true });

    public static HsdsDataSet? Deserialize(string json) => JsonSerializer.Deserialize<HsdsDataSet>(json, HsdsJson.Options);

    private sealed record Parsed(List<Area> Areas, List<Organisation> Organisations, List<DirectoryService> Services, List<Pathway> Pathways);

    /// <summary>
    /// Makes the directory equal to the data set: entries are matched by id (areas by code, pathways by id or by
    /// area + type); changed ones get a new version, a history row ("imported") and their event; entries absent from
    /// the data set are retired. All or nothing: an invalid data set (422 naming the field) stores nothing.
    /// </summary>
    public static async Task<(ImportResult? Result, FieldErrors Errors)> ImportAsync(DirectoryDbContext db, HsdsDataSet data, Actor actor, DateTime now, TimeSpan staleAfter, CancellationToken ct)
    {
        var errors = new FieldErrors();
        // An import makes the directory equal to the data set, so one without areas, organisations or services would
        // retire every entry of that kind and stop all routing: far likelier a wrong or truncated file than the intent.
        if ((data.Areas ?? []).Count == 0) errors.Add("x_referralhub_areas", Emptied("area"));
        if ((data.Organizations ?? []).Count == 0) errors.Add("organizations", Emptied("organisation"));
        if ((data.Services ?? []).Count == 0) errors.Add("services", Emptied("service"));
        if (errors.Any) return (null, errors);
        var parsed = Parse(data, errors);
        if (errors.Any) return (null, errors);

        var counts = new int[4]; // created, updated, retired, unchanged
        var areas = await db.Areas.ToDictionaryAsync(a => a.Code, ct);
        var organisations = await db.Organisations.ToDictionaryAsync(o => o.Id, ct);
        var services = await db.Services.ToDictionaryAsync(s => s.Id, ct);
        var pathways = await db.Pathways.ToListAsync(ct);

        for (var i = 0; i < parsed.Organisations.Count; i++)
            if (organisations.Values.FirstOrDefault(o => o.Code == parsed.Organisations[i].Code && o.Id != parsed.Organisations[i].Id) is not null)
                errors.Add($"organizations[{i}].organization_identifiers", "the agency code belongs to another organisation in this directory");
        if (errors.Any) return (null, errors);

        var allAreas = areas.Values.Where(a => parsed.Areas.All(p => p.Code != a.Code)).Concat(parsed.Areas).ToList();
        var view = new DirectoryView(allAreas, [], [], [], now);
        var allOrganisations = organisations.Values.Where(o => parsed.Organisations.All(p => p.Id != o.Id)).Concat(parsed.Organisations).ToDictionary(o => o.Id);

        void Upsert<T>(T incoming, T? existing, Action<T> add, Func<T, T, IReadOnlyList<string>> merge, Action<T, string, IReadOnlyList<string>> record) where T : VersionedEntity
        {
            if (existing is null)
            {
                incoming.Version = 0;
                ChangeRecorder.Stamp(incoming, actor, now);
                add(incoming);
                record(incoming, ChangeRecorder.Imported, ["*"]);
                counts[0]++;
                return;
            }
            var changed = merge(existing, incoming);
            if (changed.Count == 0) { counts[3]++; return; }
            ChangeRecorder.Stamp(existing, actor, now);
            record(existing, ChangeRecorder.Imported, changed);
            counts[1]++;
        }

        void Retire<T>(T existing, Action<T> record) where T : VersionedEntity
        {
            if (existing.Retired) return;
            existing.Retired = true;
            ChangeRecorder.Stamp(existing, actor, now);
            record(existing);
            counts[2]++;
        }

        foreach (var area in parsed.Areas.OrderBy(a => view.Chain(a.Code).Count))
            Upsert(area, areas.GetValueOrDefault(area.Code), a => db.Areas.Add(a), MergeArea,
                (a, action, changed) => ChangeRecorder.Area(db, a, view.AncestorCodes(a.Code), action, changed, actor, now));
        foreach (var organisation in parsed.Organisations)
            Upsert(organisation, organisations.GetValueOrDefault(organisation.Id), o => db.Organisations.Add(o), MergeOrganisation,
                (o, action, changed) => ChangeRecorder.Organisation(db, o, action, changed, actor, now));
        foreach (var service in parsed.Services)
            Upsert(service, services.GetValueOrDefault(service.Id), s => db.Services.Add(s), MergeService,
                (s, action, changed) => ChangeRecorder.Service(db, s, allOrganisations[s.OrganisationId], action, changed, actor, now, staleAfter));
        foreach (var pathway in parsed.Pathways)
            Upsert(pathway, pathways.FirstOrDefault(p => p.Id == pathway.Id) ?? pathways.FirstOrDefault(p => p.AreaCode == pathway.AreaCode && p.ServiceType == pathway.ServiceType),
                p => db.Pathways.Add(p), MergePathway, (p, action, changed) => ChangeRecorder.Pathway(db, p, action, changed, actor, now));

        var keptPathways = parsed.Pathways.Select(p => (p.AreaCode, p.ServiceType)).ToHashSet();
        foreach (var p in pathways.Where(p => !keptPathways.Contains((p.AreaCode, p.ServiceType))))
            Retire(p, x => ChangeRecorder.Pathway(db, x, ChangeRecorder.Retired, ["retired"], actor, now));
        foreach (var s in services.Values.Where(s => parsed.Services.All(p => p.Id != s.Id)))
            Retire(s, x => ChangeRecorder.Service(db, x, allOrganisations[x.OrganisationId], ChangeRecorder.Retired, ["retired"], actor, now, staleAfter));
        foreach (var o in organisations.Values.Where(o => parsed.Organisations.All(p => p.Id != o.Id)))
            Retire(o, x => ChangeRecorder.Organisation(db, x, ChangeRecorder.Retired, ["retired"], actor, now));
        foreach (var a in areas.Values.Where(a => parsed.Areas.All(p => p.Code != a.Code)))
            Retire(a, x => ChangeRecorder.Area(db, x, view.AncestorCodes(x.Code), ChangeRecorder.Retired, ["retired"], actor, now));

        await db.SaveChangesAsync(ct);
        return (new ImportResult(counts[0], counts[1], counts[2], counts[3]), errors);
    }

    private static string Emptied(string kind) =>
        $"none in the data set: an import replaces the whole directory and would retire every {kind}; retire entries one by one instead";

    private static IReadOnlyList<string> MergeArea(Area e, Area i)
    {
        var c = new ChangeSet();
        c.Set("name", e.Name, i.Name, v => e.Name = v);
        c.Set("level", e.Level, i.Level, v => e.Level = v);
        c.Set("parentCode", e.ParentCode, i.ParentCode, v => e.ParentCode = v);
        c.Set("focalPoints", e.FocalPoints, i.FocalPoints, v => e.FocalPoints = v);
        c.Set("lastReviewedAt", e.LastReviewedAt, i.LastReviewedAt, v => e.LastReviewedAt = v);
        c.Set("retired", e.Retired, false, v => e.Retired = v);
        return c.Fields;
    }

    private static IReadOnlyList<string> MergeOrganisation(Organisation e, Organisation i)
    {
        var c = new ChangeSet();
        c.Set("code", e.Code, i.Code, v => e.Code = v);
        c.Set("name", e.Name, i.Name, v => e.Name = v);
        c.Set("acronym", e.Acronym, i.Acronym, v => e.Acronym = v);
        c.Set("kind", e.Kind, i.Kind, v => e.Kind = v);
        c.Set("description", e.Description, i.Description, v => e.Description = v);
        c.Set("website", e.Website, i.Website, v => e.Website = v);
        c.Set("focalPoints", e.FocalPoints, i.FocalPoints, v => e.FocalPoints = v);
        c.Set("retired", e.Retired, false, v => e.Retired = v);
        return c.Fields;
    }

    private static IReadOnlyList<string> MergeService(DirectoryService e, DirectoryService i)
    {
        var c = new ChangeSet();
        c.Set("organisationId", e.OrganisationId, i.OrganisationId, v => e.OrganisationId = v);
        c.Set("serviceType", e.ServiceType, i.ServiceType, v => e.ServiceType = v);
        c.Set("name", e.Name, i.Name, v => e.Name = v);
        c.Set("description", e.Description, i.Description, v => e.Description = v);
        c.Set("areaCodes", e.AreaCodes, i.AreaCodes, v => e.AreaCodes = v);
        c.Set("minAge", e.MinAge, i.MinAge, v => e.MinAge = v);
        c.Set("maxAge", e.MaxAge, i.MaxAge, v => e.MaxAge = v);
        c.Set("sexes", e.Sexes, i.Sexes, v => e.Sexes = v);
        c.Set("protectionConcerns", e.ProtectionConcerns, i.ProtectionConcerns, v => e.ProtectionConcerns = v);
        c.Set("languages", e.Languages, i.Languages, v => e.Languages = v);
        c.Set("hours", e.Hours, i.Hours, v => e.Hours = v);
        c.Set("howToRefer", e.HowToRefer, i.HowToRefer, v => e.HowToRefer = v);
        c.Set("accepting", e.Accepting, i.Accepting, v => e.Accepting = v);
        c.Set("notAcceptingReason", e.NotAcceptingReason, i.NotAcceptingReason, v => e.NotAcceptingReason = v);
        c.Set("notAcceptingUntil", e.NotAcceptingUntil, i.NotAcceptingUntil, v => e.NotAcceptingUntil = v);
        c.Set("capacityNote", e.CapacityNote, i.CapacityNote, v => e.CapacityNote = v);
        c.Set("focalPoints", e.FocalPoints, i.FocalPoints, v => e.FocalPoints = v);
        c.Set("lastReviewedAt", e.LastReviewedAt, i.LastReviewedAt, v => e.LastReviewedAt = v);
        c.Set("lastReviewedBy", e.LastReviewedBy, i.LastReviewedBy, v => e.LastReviewedBy = v);
        c.Set("retired", e.Retired, false, v => e.Retired = v);
        return c.Fields;
    }

    private static IReadOnlyList<string> MergePathway(Pathway e, Pathway i)
    {
        var c = new ChangeSet();
        c.Set("serviceIds", e.ServiceIds, i.ServiceIds, v => e.ServiceIds = v);
        c.Set("reofferToNext", e.ReofferToNext, i.ReofferToNext, v => e.ReofferToNext = v);
        c.Set("lastReviewedAt", e.LastReviewedAt, i.LastReviewedAt, v => e.LastReviewedAt = v);
        c.Set("retired", e.Retired, false, v => e.Retired = v);
        return c.Fields;
    }

    private static List<FocalPoint> FocalPoints(FieldErrors errors, string field, IReadOnlyList<HsdsContact>? contacts)
    {
        var inputs = (contacts ?? []).Select(c => new FocalPointInput(Guid.TryParse(c.Id, out var id) ? id : null, c.Name, c.Title, c.Phones?.FirstOrDefault()?.Number, c.Email)).ToList();
        Validation.FocalPoints(errors, field, inputs);
        if (errors.Any) return [];
        // A contact without a usable id gets a stable one, so importing the same file twice changes nothing.
        return [.. Validation.ToFocalPoints(inputs).Zip(contacts ?? []).Select(x =>
        {
            if (!Guid.TryParse(x.Second.Id, out _)) x.First.Id = Guid.Parse(HsdsIds.For("contact", field, x.Second.Name ?? ""));
            return x.First;
        })];
    }

    /// <summary>Every attribute must name one of the hub's terms (by UUID or <c>&lt;taxonomy&gt;:&lt;code&gt;</c>): an unknown one would be dropped silently.</summary>
    private static void UnknownTerms(FieldErrors errors, string field, IReadOnlyList<HsdsAttribute>? attributes)
    {
        for (var j = 0; j < (attributes?.Count ?? 0); j++)
            if (HsdsMapper.FindTerm(attributes![j].TaxonomyTermId) is null) errors.Add($"{field}.attributes[{j}].taxonomy_term_id", "is not a term of the hub's taxonomies (GET /hsds/taxonomy_terms)");
    }

    private static Parsed Parse(HsdsDataSet data, FieldErrors errors)
    {
        var areas = new List<Area>();
        var areaRecords = data.Areas ?? [];
        var codes = areaRecords.Select(a => a.Code).ToHashSet();
        for (var i = 0; i < areaRecords.Count; i++)
        {
            var a = areaRecords[i];
            var field = $"x_referralhub_areas[{i}]";
            Validation.Code(errors, $"{field}.code", a.Code);
            Validation.Text(errors, $"{field}.name", a.Name, Limits.Name, required: true);
            Validation.Code(errors, $"{field}.level", a.Level);
            if (a.ParentCode is not null && !codes.Contains(a.ParentCode)) errors.Add($"{field}.parent_code", "names an area not in the data set");
            areas.Add(new Area
            {
                Code = a.Code, Name = a.Name?.Trim() ?? "", Level = a.Level ?? "", ParentCode = a.ParentCode,
                FocalPoints = FocalPoints(errors, $"{field}.contacts", a.Contacts), LastReviewedAt = a.LastReviewedAt?.ToUniversalTime(),
            });
        }
        if (areas.GroupBy(a => a.Code).Any(g => g.Count() > 1)) errors.Add("x_referralhub_areas", "an area code appears twice");
        var probe = new DirectoryView(areas.DistinctBy(a => a.Code).ToList(), [], [], [], DateTime.UtcNow);
        if (areas.Any(a => probe.Chain(a.Code).Count >= 32)) errors.Add("x_referralhub_areas", "the parent codes form a cycle");

        var organisations = new List<Organisation>();
        var orgRecords = data.Organizations ?? [];
        for (var i = 0; i < orgRecords.Count; i++)
        {
            var o = orgRecords[i];
            var field = $"organizations[{i}]";
            if (!Guid.TryParse(o.Id, out var id)) errors.Add($"{field}.id", "must be a UUID");
            Validation.Text(errors, $"{field}.name", o.Name, Limits.Name, required: true);
            var code = o.OrganizationIdentifiers?.FirstOrDefault(x => x.IdentifierScheme == HsdsMapper.AgencyCodeScheme)?.Identifier;
            if (!Validation.IsCode(code)) errors.Add($"{field}.organization_identifiers", $"needs an identifier with scheme {HsdsMapper.AgencyCodeScheme} (the agency code)");
            UnknownTerms(errors, field, o.Attributes);
            var kind = HsdsMapper.CodesOf(o.Attributes, HsdsTaxonomies.OrganisationKinds).FirstOrDefault();
            if (kind is null || !OrganisationKinds.All.Contains(kind)) errors.Add($"{field}.attributes", $"needs an organisation kind term (taxonomy {HsdsTaxonomies.OrganisationKinds})");
            Validation.Text(errors, $"{field}.alternate_name", o.AlternateName, Limits.Code);
            Validation.Text(errors, $"{field}.description", o.Description, Limits.Description);
            Validation.Text(errors, $"{field}.website", o.Website, Limits.Name);
            organisations.Add(new Organisation
            {
                Id = id, Code = code ?? "", Name = o.Name?.Trim() ?? "", Acronym = Validation.Blank(o.AlternateName), Kind = kind ?? "",
                Description = Validation.Blank(o.Description), Website = Validation.Blank(o.Website),
                FocalPoints = FocalPoints(errors, $"{field}.contacts", o.Contacts), LastReviewedAt = null,
            });
        }
        if (organisations.GroupBy(o => o.Id).Any(g => g.Count() > 1)) errors.Add("organizations", "an id appears twice");
        if (organisations.GroupBy(o => o.Code).Any(g => g.Count() > 1)) errors.Add("organizations", "an agency code appears twice");
        var orgIds = organisations.Select(o => o.Id).ToHashSet();

        var services = new List<DirectoryService>();
        var serviceRecords = data.Services ?? [];
        for (var i = 0; i < serviceRecords.Count; i++)
        {
            var s = serviceRecords[i];
            var field = $"services[{i}]";
            if (!Guid.TryParse(s.Id, out var id)) errors.Add($"{field}.id", "must be a UUID");
            if (!Guid.TryParse(s.OrganizationId, out var orgId) || !orgIds.Contains(orgId)) errors.Add($"{field}.organization_id", "names an organization not in the data set");
            Validation.Text(errors, $"{field}.name", s.Name, Limits.Name, required: true);
            Validation.Text(errors, $"{field}.description", s.Description, Limits.Description);
            UnknownTerms(errors, field, s.Attributes);
            var type = HsdsMapper.CodesOf(s.Attributes, HsdsTaxonomies.ServiceTypes).FirstOrDefault();
            if (!ServiceTypes.IsServiceType(type)) errors.Add($"{field}.attributes", $"needs a known service type term (taxonomy {HsdsTaxonomies.ServiceTypes})");
            var sexes = HsdsMapper.CodesOf(s.Attributes, HsdsTaxonomies.Sexes);
            var concerns = HsdsMapper.CodesOf(s.Attributes, HsdsTaxonomies.ProtectionConcerns);
            Validation.OneOf(errors, $"{field}.attributes", sexes, Sexes.All);
            Validation.OneOf(errors, $"{field}.attributes", concerns, ProtectionConcerns.All);
            if (s.MinimumAge is < 0 or > 120) errors.Add($"{field}.minimum_age", "must be between 0 and 120");
            if (s.MaximumAge is < 0 or > 120) errors.Add($"{field}.maximum_age", "must be between 0 and 120");
            if (s.MinimumAge > s.MaximumAge) errors.Add($"{field}.minimum_age", "must not be above maximum_age");
            var languages = (s.Languages ?? []).Select(l => l.Code).ToList();
            Validation.Languages(errors, $"{field}.languages", languages);
            var x = s.Extension;
            var areaCodes = x?.AreaCodes?.ToList() ?? [.. (s.ServiceAreas ?? []).Select(a => a.Extent)];
            if (areaCodes.Count == 0) errors.Add($"{field}.service_areas", "at least one area is required");
            for (var j = 0; j < areaCodes.Count; j++)
                if (!codes.Contains(areaCodes[j])) errors.Add($"{field}.service_areas[{j}]", "names an area not in the data set");
            var hours = s.Schedules?.FirstOrDefault()?.Description;
            Validation.Text(errors, $"{field}.schedules", hours, Limits.Text);
            Validation.Text(errors, $"{field}.application_process", s.ApplicationProcess, Limits.Text);
            var accepting = x?.Accepting ?? s.Status != "temporarily closed";
            services.Add(new DirectoryService
            {
                Id = id, OrganisationId = orgId, ServiceType = type ?? "", Name = s.Name?.Trim() ?? "", Description = Validation.Blank(s.Description),
                AreaCodes = areaCodes, MinAge = s.MinimumAge, MaxAge = s.MaximumAge, Sexes = sexes, ProtectionConcerns = concerns,
                Languages = languages, Hours = Validation.Blank(hours), HowToRefer = Validation.Blank(s.ApplicationProcess),
                Accepting = accepting, NotAcceptingReason = accepting ? null : x?.NotAcceptingReason ?? s.Alert,
                NotAcceptingUntil = accepting ? null : x?.NotAcceptingUntil?.ToUniversalTime(), CapacityNote = Validation.Blank(x?.CapacityNote),
                FocalPoints = FocalPoints(errors, $"{field}.contacts", s.Contacts),
                LastReviewedAt = x?.LastReviewedAt?.ToUniversalTime() ?? (DateTime.TryParse(s.AssuredDate, out var assured) ? DateTime.SpecifyKind(assured, DateTimeKind.Utc) : null),
                LastReviewedBy = x?.LastReviewedBy,
            });
        }
        if (services.GroupBy(s => s.Id).Any(g => g.Count() > 1)) errors.Add("services", "an id appears twice");
        var servicesById = services.DistinctBy(s => s.Id).ToDictionary(s => s.Id);

        var pathways = new List<Pathway>();
        var pathwayRecords = data.Pathways ?? [];
        for (var i = 0; i < pathwayRecords.Count; i++)
        {
            var p = pathwayRecords[i];
            var field = $"x_referralhub_pathways[{i}]";
            if (!Guid.TryParse(p.Id, out var id)) errors.Add($"{field}.id", "must be a UUID");
            if (!codes.Contains(p.AreaCode)) errors.Add($"{field}.area_code", "names an area not in the data set");
            if (!ServiceTypes.IsServiceType(p.ServiceType)) errors.Add($"{field}.service_type", "unknown service type code");
            var ids = new List<Guid>();
            for (var j = 0; j < (p.ServiceIds ?? []).Count; j++)
            {
                if (Guid.TryParse(p.ServiceIds![j], out var sid) && servicesById.TryGetValue(sid, out var target) && target.ServiceType == p.ServiceType) ids.Add(sid);
                else errors.Add($"{field}.service_ids[{j}]", "names a service not in the data set or of another type");
            }
            pathways.Add(new Pathway { Id = id, AreaCode = p.AreaCode, ServiceType = p.ServiceType, ServiceIds = ids, ReofferToNext = p.ReofferToNext, LastReviewedAt = p.LastReviewedAt?.ToUniversalTime() });
        }
        if (pathways.GroupBy(p => (p.AreaCode, p.ServiceType)).Any(g => g.Count() > 1)) errors.Add("x_referralhub_pathways", "two pathways for the same area and service type");
        return new Parsed(areas, organisations, services, pathways);
    }
}
