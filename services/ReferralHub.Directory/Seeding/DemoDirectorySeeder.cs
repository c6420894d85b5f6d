using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Directory.Editing;
using ReferralHub.Directory.Model;
using ReferralHub.Directory.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Directory.Seeding;

/// <summary>
/// A clearly fictional mapping for one district (seeded only when the directory is empty, in Development or when
/// Directory:SeedDemoData is true): 5 camps with blocks, 8 agencies, 30 services covering every service type,
/// pathways for demo-district, two stale and two not-accepting entries. Ids are derived from names, so docs and
/// tests can rely on them.
/// </summary>
public sealed class DemoDirectorySeeder(IHostEnvironment environment, IOptions<DirectoryOptions> options, TimeProvider clock,
    ILogger<DemoDirectorySeeder> logger) : IDatabaseSeeder<DirectoryDbContext>
{
    public const string Country = "demo-country";
    public const string District = "demo-district";

    public static Guid IdFor(string name) => new(MD5.HashData(Encoding.UTF8.GetBytes("referralhub-demo:" + name)));

    public static Guid ServiceId(string organisationCode, string serviceType, int n = 1) => IdFor($"service:{organisationCode}:{serviceType}:{n}");

    public async Task SeedAsync(DirectoryDbContext db, CancellationToken cancellationToken)
    {
        if (!(options.Value.SeedDemoData ?? environment.IsDevelopment())) return;
        if (await db.Areas.AnyAsync(cancellationToken) || await db.Organisations.AnyAsync(cancellationToken)) return;

        var now = clock.GetUtcNow().UtcDateTime;
        var actor = new Actor("demo-seed", null);
        var areas = Areas(now);
        var organisations = Organisations(now);
        var services = Services(organisations, now);
        var pathways = Pathways(services, now);

        var byCode = areas.ToDictionary(a => a.Code);
        foreach (var area in areas)
        {
            db.Areas.Add(area);
            var ancestors = new List<string>();
            for (var p = area.ParentCode; p is not null; p = byCode[p].ParentCode) ancestors.Insert(0, p);
            ChangeRecorder.Area(db, area, ancestors, ChangeRecorder.Created, ["*"], actor, now);
        }
        foreach (var organisation in organisations.Values)
        {
            db.Organisations.Add(organisation);
            ChangeRecorder.Organisation(db, organisation, ChangeRecorder.Created, ["*"], actor, now);
        }
        foreach (var service in services)
        {
            db.Services.Add(service);
            ChangeRecorder.Service(db, service, organisations.Values.Single(o => o.Id == service.OrganisationId), ChangeRecorder.Created, ["*"], actor, now, options.Value.StaleAfter);
        }
        foreach (var pathway in pathways)
        {
            db.Pathways.Add(pathway);
            ChangeRecorder.Pathway(db, pathway, ChangeRecorder.Created, ["*"], actor, now);
        }

        await db.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Seeded the demo directory: {Areas} areas, {Organisations} organisations, {Services} services, {Pathways} pathways",
            areas.Count, organisations.Count, services.Count, pathways.Count);
    }

    private static T Fresh<T>(T entry, DateTime now, int reviewedDaysAgo = 30) where T : VersionedEntity
    {
        entry.Version = 1;
        entry.UpdatedAt = now;
        entry.UpdatedBy = "demo-seed";
        entry.LastReviewedAt = now.AddDays(-reviewedDaysAgo);
        entry.LastReviewedBy = "demo-seed";
        return entry;
    }

    private static FocalPoint Person(string name, string role, string phone, string email) =>
        new() { Id = IdFor($"focal-point:{email}"), Name = name, Role = role, Phone = phone, Email = email };

    private static List<Area> Areas(DateTime now)
    {
        var areas = new List<Area>
        {
            Fresh(new Area { Code = Country, Name = "Demoland (fictional)", Level = "country" }, now),
            Fresh(new Area
            {
                Code = District, Name = "Demo District", Level = "district", ParentCode = Country,
                FocalPoints = [Person("Amina Demo", "District child protection focal point", "+10000000100", "cpfp.district@demo.invalid")],
            }, now),
        };
        for (var camp = 1; camp <= 5; camp++)
        {
            var code = $"demo-camp-{camp}";
            areas.Add(Fresh(new Area
            {
                Code = code, Name = $"Demo Camp {camp}", Level = "camp", ParentCode = District,
                FocalPoints = [Person($"Camp {camp} CPFP (fictional)", "Camp child protection focal point", $"+1000000020{camp}", $"cpfp.camp{camp}@demo.invalid")],
            }, now));
            foreach (var block in new[] { "a", "b", "c" })
                areas.Add(Fresh(new Area { Code = $"{code}-block-{block}", Name = $"Demo Camp {camp}, Block {block.ToUpperInvariant()}", Level = "block", ParentCode = code }, now));
        }
        return areas;
    }

    private static Dictionary<string, Organisation> Organisations(DateTime now)
    {
        Organisation Org(string code, string name, string acronym, string kind, string contact) => Fresh(new Organisation
        {
            Id = IdFor($"organisation:{code}"), Code = code, Name = name, Acronym = acronym, Kind = kind,
            Description = "Fictional demo agency.", Website = $"https://{code}.demo.invalid",
            FocalPoints = [Person(contact, "Referral focal point", $"+100000030{code[^1] - 'a'}", $"referrals@{code}.demo.invalid")],
        }, now);

        return new[]
        {
            Org("agency-a", "Agency A Child Protection International (fictional)", "AACPI", "ingo", "Bilal Demo"),
            Org("agency-b", "Agency B Community Wellbeing (fictional)", "ABCW", "nngo", "Chen Demo"),
            Org("agency-c", "Agency C United Nations Children's Office (fictional)", "AUNCO", "un", "Dara Demo"),
            Org("agency-d", "Demo District Social Welfare Office (fictional)", "DDSWO", "government", "Elif Demo"),
            Org("agency-e", "Agency E Camp Youth Committee (fictional)", "AECYC", "cbo", "Femi Demo"),
            Org("agency-f", "Agency F Health Without Borders (fictional)", "AFHWB", "ingo", "Gita Demo"),
            Org("agency-g", "Agency G Legal Aid Network (fictional)", "AGLAN", "nngo", "Hugo Demo"),
            Org("agency-h", "Agency H Water, Learning and Shelter (fictional)", "AHWLS", "ingo", "Ines Demo"),
        }.ToDictionary(o => o.Code);
    }

    private sealed record Spec(string Org, string Type, string Name, string[] Areas, int? MinAge = null, int? MaxAge = null,
        string[]? Sexes = null, string[]? Concerns = null, string[]? Languages = null, int N = 1, bool Accepting = true,
        string? Reason = null, int ReviewedDaysAgo = 30);

    private static readonly string[] DistrictOnly = [District];

    private static readonly Spec[] Specs =
    [
        new("agency-a", ServiceTypes.CaseManagement, "Child protection case management", DistrictOnly, MaxAge: 17, Languages: ["en", "ar", "so"]),
        new("agency-d", ServiceTypes.CaseManagement, "Statutory child protection case management", DistrictOnly, MaxAge: 17, Languages: ["en", "ar"], N: 1),
        new("agency-b", "specialised-mhpss", "Specialised mental health care for children", DistrictOnly, MinAge: 5, MaxAge: 17, Languages: ["en", "ar", "so"],
            Concerns: ["psychological-distress", "sexual-violence", "physical-abuse", "emotional-abuse"]),
        new("agency-f", "specialised-mhpss", "Psychiatric outpatient clinic", ["demo-camp-1", "demo-camp-2"], MinAge: 12, Languages: ["en"]),
        new("agency-b", "basic-psychosocial-support", "Child friendly space activities", DistrictOnly, MinAge: 3, MaxAge: 17, Languages: ["en", "ar", "so"]),
        new("agency-e", "basic-psychosocial-support", "Youth club and peer support", ["demo-camp-3", "demo-camp-4"], MinAge: 12, MaxAge: 17, Languages: ["ar", "so"]),
        new("agency-b", "focused-non-specialised-mhpss", "Focused psychosocial groups", DistrictOnly, MinAge: 6, MaxAge: 17, Languages: ["en", "ar", "so"]),
        new("agency-b", "gbv-survivor-support", "Adolescent girls' GBV response", DistrictOnly, MinAge: 10, MaxAge: 17, Sexes: ["female"], Languages: ["ar", "so"],
            Concerns: ["sexual-violence", "child-marriage"]),
        new("agency-c", "alternative-care", "Foster and kinship care placement", DistrictOnly, MaxAge: 17, Concerns: ["unaccompanied-separated", "neglect"]),
        new("agency-d", "security-safe-shelter", "Emergency safe shelter", DistrictOnly, MaxAge: 17),
        new("agency-h", "education-formal", "Camp primary school enrolment", ["demo-camp-1", "demo-camp-2", "demo-camp-3"], MinAge: 6, MaxAge: 14,
            Accepting: false, Reason: "Classes full until the new term"),
        new("agency-h", "non-formal-education", "Catch-up learning centre", DistrictOnly, MinAge: 8, MaxAge: 17),
        new("agency-c", "family-tracing-reunification", "Family tracing and reunification", DistrictOnly, MaxAge: 17, Concerns: ["unaccompanied-separated"]),
        new("agency-c", "food", "General food distribution referral", DistrictOnly, ReviewedDaysAgo: 240),
        new("agency-h", "non-food-items", "Non-food item kits", DistrictOnly),
        new("agency-c", "cash-assistance", "Child-sensitive cash assistance", DistrictOnly),
        new("agency-e", "livelihoods", "Caregiver livelihoods support", ["demo-camp-3", "demo-camp-4", "demo-camp-5"], MinAge: 18,
            Accepting: false, Reason: "Intake paused while the cycle is full"),
        new("agency-f", "medical", "Primary health clinic", DistrictOnly),
        new("agency-f", "medical", "Mobile clinic, Camp 5", ["demo-camp-5"], N: 2),
        new("agency-f", "nutrition", "Outpatient nutrition programme", DistrictOnly, MaxAge: 5),
        new("agency-g", "legal-support", "Legal counselling and representation", DistrictOnly),
        new("agency-g", "documentation", "Birth registration and civil documentation", DistrictOnly),
        new("agency-f", "disability-services", "Rehabilitation and assistive devices", DistrictOnly, MaxAge: 17, Concerns: ["disability"]),
        new("agency-f", "sexual-reproductive-health", "Adolescent-friendly SRH services", DistrictOnly, MinAge: 10, MaxAge: 19),
        new("agency-h", "shelter", "Shelter repair and allocation", DistrictOnly, ReviewedDaysAgo: 220),
        new("agency-h", "wash", "WASH facilities and hygiene kits", DistrictOnly),
        new("agency-c", "durable-solution", "Durable solutions (with UNHCR)", DistrictOnly),
        new("agency-c", "relocation", "Relocation support", DistrictOnly),
        new("agency-d", "rescue", "Police and social welfare rescue", DistrictOnly),
        new("agency-e", "other", "Community child protection committee", ["demo-camp-1", "demo-camp-2", "demo-camp-3", "demo-camp-4", "demo-camp-5"]),
    ];

    private static List<DirectoryService> Services(Dictionary<string, Organisation> organisations, DateTime now) =>
    [
        .. Specs.Select((s, i) => Fresh(new DirectoryService
        {
            Id = ServiceId(s.Org, s.Type, s.N),
            OrganisationId = organisations[s.Org].Id,
            ServiceType = s.Type,
            Name = s.Name,
            Description = $"{s.Name} (fictional demo service).",
            AreaCodes = [.. s.Areas],
            MinAge = s.MinAge,
            MaxAge = s.MaxAge,
            Sexes = [.. s.Sexes ?? []],
            ProtectionConcerns = [.. s.Concerns ?? []],
            Languages = [.. s.Languages ?? ["en", "ar"]],
            Hours = "Sun–Thu 08:00–16:00",
            HowToRefer = "Through ReferralHub; urgent cases also by phone to the focal point.",
            Accepting = s.Accepting,
            NotAcceptingReason = s.Reason,
            NotAcceptingUntil = s.Accepting ? null : now.Date.AddDays(60),
            CapacityNote = i % 3 == 0 ? "Limited places; call before referring high priority cases." : null,
            FocalPoints = [Person($"{s.Org} {s.Type} focal point", "Service focal point", $"+10000{4000 + i}", $"{s.Type}@{s.Org}.demo.invalid")],
        }, now, s.ReviewedDaysAgo)),
    ];

    private static List<Pathway> Pathways(List<DirectoryService> services, DateTime now) =>
    [
        .. services.GroupBy(s => s.ServiceType).Select(g => Fresh(new Pathway
        {
            Id = IdFor($"pathway:{District}:{g.Key}"),
            AreaCode = District,
            ServiceType = g.Key,
            // Agency B (the demo provider) first where it offers the type, then the district-wide service before the local ones.
            ServiceIds = [.. g.OrderBy(s => s.OrganisationId == IdFor("organisation:agency-b") ? 0 : 1).ThenBy(s => s.AreaCodes.Contains(District) ? 0 : 1).Select(s => s.Id)],
            ReofferToNext = true,
        }, now)),
    ];
}
