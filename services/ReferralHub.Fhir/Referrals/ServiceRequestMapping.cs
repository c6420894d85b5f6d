using System.Globalization;
using Hl7.Fhir.Model;
using ReferralHub.Contracts.Referrals;
using ReferralHub.Contracts.Taxonomy;
using ReferralHub.Fhir.Web;

namespace ReferralHub.Fhir.Referrals;

/// <summary>
/// ServiceRequest (+ its subject Patient) ↔ the REST referral (the seed Referral form). docs/fhir.md lists every element.
/// </summary>
public static class ServiceRequestMapping
{
    public const string ChildId = "child";

    /// <summary>FHIR request priority → the hub's priority (seed 000: high 24 h, medium 3 days, low 1 week).</summary>
    public static string Priority(RequestPriority? priority) => priority switch
    {
        null or RequestPriority.Routine => Priorities.Low,
        RequestPriority.Urgent => Priorities.Medium,
        RequestPriority.Asap or RequestPriority.Stat => Priorities.High,
        _ => Priorities.Low,
    };

    public static RequestPriority Priority(string priority) => priority switch
    {
        Priorities.High => RequestPriority.Asap,
        Priorities.Medium => RequestPriority.Urgent,
        _ => RequestPriority.Routine,
    };

    public static string? ServiceTypeOf(ServiceRequest request)
    {
        var coding = request.Code?.Coding.FirstOrDefault(c => c.System == FhirSystems.ServiceType)
            ?? request.Category.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == FhirSystems.ServiceType);
        return coding?.Code;
    }

    /// <summary>The REST submission for a ServiceRequest whose subject resolved to <paramref name="patient"/>; performer already resolved.</summary>
    public static SubmitReferralRequest ToSubmit(ServiceRequest request, Patient patient, Guid? serviceId, Func<ResourceReference, Resource?> resolve)
    {
        if (request.Status is not RequestStatus.Active)
            throw FhirException.Unprocessable("ServiceRequest.status", "A referral is created with status 'active'.");
        if (request.Intent is not (RequestIntent.Order or RequestIntent.OriginalOrder))
            throw FhirException.Unprocessable("ServiceRequest.intent", "A referral is created with intent 'order'.");
        var serviceType = ServiceTypeOf(request)
            ?? throw FhirException.Invalid("ServiceRequest.code", $"Required: a coding from {FhirSystems.ServiceType} (GET /fhir/CodeSystem/service-type).");
        if (!ServiceTypes.IsServiceType(serviceType) || serviceType == ServiceTypes.CaseManagement)
            throw FhirException.Invalid("ServiceRequest.code", $"'{serviceType}' is not a service type a referral can ask for (GET /fhir/CodeSystem/service-type).");
        var caseCode = patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.CaseCode)?.Value;
        if (string.IsNullOrWhiteSpace(caseCode))
            throw FhirException.Invalid("Patient.identifier", $"The subject needs an identifier with system {FhirSystems.CaseCode}: the agency's case code (one that does not identify the child).");

        string? areaCode = request.LocationCode.SelectMany(c => c.Coding).FirstOrDefault(c => c.System == FhirSystems.AreaCode)?.Code;
        if (areaCode is null && request.LocationReference.FirstOrDefault()?.Reference is { } location)
        {
            areaCode = location.StartsWith("Location/", StringComparison.Ordinal) ? location["Location/".Length..]
                : throw FhirException.Invalid("ServiceRequest.locationReference", "Reference a Location of the hub: Location/{area code}.");
        }
        if (serviceId is null && string.IsNullOrWhiteSpace(areaCode))
            throw FhirException.Invalid("ServiceRequest.locationCode", $"Give the area (locationCode with system {FhirSystems.AreaCode}, or locationReference Location/{{code}}) to route along its pathway, or a performer.");

        string? reason = JoinText(request.ReasonCode.Select(r => r.Text ?? r.Coding.FirstOrDefault()?.Display));
        string? history = null, outcome = null;
        foreach (var note in request.Note)
        {
            var kind = (note.GetExtensionValue<Code>(FhirSystems.NoteKindExtension))?.Value;
            switch (kind)
            {
                case "case-history": history = JoinText([history, note.Text]); break;
                case "reason-for-referral": reason = JoinText([reason, note.Text]); break;
                case null or "expected-outcome": outcome = JoinText([outcome, note.Text]); break;
                default: throw FhirException.Invalid("ServiceRequest.note.extension", $"Unknown note kind '{kind}': case-history, expected-outcome or reason-for-referral.");
            }
        }

        ReferrerContact? referredBy = null;
        if (request.Requester is { } requester)
        {
            var practitioner = requester.Reference is not null ? resolve(requester) as Practitioner : null;
            var name = practitioner?.Name.FirstOrDefault() is { } n ? n.Text ?? JoinText([.. n.Given, n.Family], " ") : requester.Display;
            referredBy = new ReferrerContact
            {
                Name = name,
                Phone = Telecom(practitioner?.Telecom, ContactPoint.ContactPointSystem.Phone),
                Email = Telecom(practitioner?.Telecom, ContactPoint.ContactPointSystem.Email),
            };
        }

        var consentGiven = request.SupportingInfo.Any(s => s.Reference?.StartsWith("Consent/", StringComparison.Ordinal) == true || resolve(s) is Consent)
            ? new ConsentStatement { Given = true } : null;

        return new SubmitReferralRequest
        {
            CaseCode = caseCode,
            Priority = Priority(request.Priority),
            ServiceType = serviceType,
            AreaCode = areaCode,
            ServiceId = serviceId,
            Consent = consentGiven,
            ReferralDate = request.AuthoredOnElement?.ToDateTimeOffset(TimeSpan.Zero) is { } authored ? DateOnly.FromDateTime(authored.UtcDateTime) : null,
            ReferredBy = referredBy,
            Child = Child(patient),
            Caregiver = Caregiver(patient),
            ReasonForReferral = reason,
            CaseHistory = history,
            ExpectedOutcome = outcome,
        };
    }

    private static ChildDetails Child(Patient patient)
    {
        var official = patient.Name.FirstOrDefault(n => n.Use is null or HumanName.NameUse.Official or HumanName.NameUse.Usual);
        var others = JoinText(patient.Name.Where(n => n != official).Select(n => n.Text ?? JoinText([.. n.Given, n.Family], " ")), ", ");
        DateOnly? birth = DateOnly.TryParseExact(patient.BirthDate ?? "", "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var b) ? b : null;
        if (patient.BirthDate is { } raw && birth is null)
            throw FhirException.Invalid("Patient.birthDate", "Give the full date of birth (YYYY-MM-DD); mark it estimated with the birth-date-estimated extension.");
        return new ChildDetails
        {
            FirstName = official?.Given.FirstOrDefault(),
            MiddleName = JoinText(official?.Given.Skip(1) ?? [], " "),
            LastName = official?.Family,
            OtherNames = others,
            DateOfBirth = birth,
            DateOfBirthEstimated = patient.BirthDateElement?.GetExtensionValue<FhirBoolean>(FhirSystems.BirthDateEstimated)?.Value
                ?? patient.GetExtensionValue<FhirBoolean>(FhirSystems.BirthDateEstimated)?.Value,
            Sex = patient.Gender is { } g ? g.ToString().ToLowerInvariant() : null,
            NationalId = patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.NationalId)?.Value,
            UnhcrId = patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.UnhcrId)?.Value,
            OtherId = patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.OtherId)?.Value,
            PreviousCaseCode = patient.Identifier.FirstOrDefault(i => i.System == FhirSystems.PreviousCaseCode)?.Value,
            Languages = patient.Communication.Count == 0 ? null
                : [.. patient.Communication.Select(c => c.Language?.Coding.FirstOrDefault()?.Code ?? c.Language?.Text).OfType<string>()],
            CommunicationNeeds = patient.GetExtensionValue<FhirString>(FhirSystems.CommunicationNeeds)?.Value,
            CurrentLocation = patient.Address.FirstOrDefault()?.Text,
            Phone = Telecom(patient.Telecom, ContactPoint.ContactPointSystem.Phone),
        };
    }

    private static CaregiverDetails? Caregiver(Patient patient)
    {
        if (patient.Contact.FirstOrDefault() is not { } contact) return null;
        return new CaregiverDetails
        {
            Informed = contact.GetExtensionValue<FhirBoolean>(FhirSystems.CaregiverInformed)?.Value,
            NotInformedReason = contact.GetExtensionValue<FhirString>(FhirSystems.CaregiverNotInformedReason)?.Value,
            FirstName = contact.Name?.Given.FirstOrDefault(),
            MiddleName = JoinText(contact.Name?.Given.Skip(1) ?? [], " "),
            LastName = contact.Name?.Family,
            Sex = contact.Gender is { } g ? g.ToString().ToLowerInvariant() : null,
            Relationship = contact.Relationship.Select(r => r.Text ?? r.Coding.FirstOrDefault()?.Display ?? r.Coding.FirstOrDefault()?.Code).FirstOrDefault(t => t is not null),
            CurrentLocation = contact.Address?.Text,
            Phone = Telecom(contact.Telecom, ContactPoint.ContactPointSystem.Phone),
        };
    }

    /// <summary>The ServiceRequest status of a hub status: active while open, completed, revoked when withdrawn or blocked.</summary>
    public static RequestStatus Status(string status) => status switch
    {
        ReferralStatuses.Completed => RequestStatus.Completed,
        ReferralStatuses.Withdrawn or ReferralStatuses.BlockedConsent => RequestStatus.Revoked,
        _ => RequestStatus.Active,
    };

    /// <summary>The referral as this caller may see it: the referrer everything, the provider the summary until it accepts.</summary>
    public static ServiceRequest FromReferral(ReferralView r)
    {
        var request = new ServiceRequest
        {
            Id = r.Id.ToString(),
            Meta = Meta(r.Version, r.UpdatedAt),
            Status = Status(r.Status),
            Intent = RequestIntent.Order,
            Category = [ServiceTypeConcept(r.ServiceType)],
            Code = ServiceTypeConcept(r.ServiceType),
            Priority = Priority(r.Priority),
            Subject = new ResourceReference("#" + ChildId),
            AuthoredOnElement = new FhirDateTime(new DateTimeOffset(DateTime.SpecifyKind(r.CreatedAt, DateTimeKind.Utc))),
        };
        request.Contained.Add(Patient(r));
        if (r.ServiceId is { } serviceId)
            request.Performer.Add(new ResourceReference($"HealthcareService/{serviceId}")
            {
                Identifier = r.OrganisationCode is null ? null : new Identifier(FhirSystems.OrganisationCode, r.OrganisationCode),
            });
        if (r.AreaCode is { } area) request.LocationCode.Add(new CodeableConcept(FhirSystems.AreaCode, area));
        if (r.Payload is { } p)
        {
            if (p.ReferralDate is { } date) request.AuthoredOn = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            if (p.ReferredBy?.Name is { } by) request.Requester = new ResourceReference { Display = by };
            if (p.ReasonForReferral is { } reason) request.ReasonCode.Add(new CodeableConcept { Text = reason });
            if (p.CaseHistory is { } history) request.Note.Add(Note(history, "case-history"));
            if (p.ExpectedOutcome is { } outcome) request.Note.Add(Note(outcome, "expected-outcome"));
        }
        return request;
    }

    private static Annotation Note(string text, string kind)
    {
        var note = new Annotation { Text = new Markdown(text) };
        note.SetExtension(FhirSystems.NoteKindExtension, new Code(kind));
        return note;
    }

    private static Patient Patient(ReferralView r)
    {
        var patient = new Patient { Id = ChildId };
        if (r.CaseCode is { } caseCode) patient.Identifier.Add(new Identifier(FhirSystems.CaseCode, caseCode));
        if (r.Summary is { } summary)
        {
            // Before acceptance the provider sees only what it needs to decide (seed 004): age band, sex, languages.
            if (summary.AgeBand is { } band) patient.SetExtension(FhirSystems.AgeBandExtension, new Coding(FhirSystems.AgeBand, band));
            patient.Gender = Gender(summary.Sex);
            foreach (var language in summary.Languages ?? []) patient.Communication.Add(Language(language));
            if (summary.CommunicationNeeds is { } needs) patient.SetExtension(FhirSystems.CommunicationNeeds, new FhirString(needs));
        }
        if (r.Payload?.Child is { } child)
        {
            if (child.FirstName is not null || child.LastName is not null || child.MiddleName is not null)
            {
                var name = new HumanName { Use = HumanName.NameUse.Official, Family = child.LastName };
                name.Given = new[] { child.FirstName, child.MiddleName }.OfType<string>().ToList();
                patient.Name.Add(name);
            }
            if (child.OtherNames is { } other) patient.Name.Add(new HumanName { Use = HumanName.NameUse.Nickname, Text = other });
            if (child.DateOfBirth is { } dob)
            {
                patient.BirthDate = dob.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                if (child.DateOfBirthEstimated is { } estimated) patient.BirthDateElement.SetExtension(FhirSystems.BirthDateEstimated, new FhirBoolean(estimated));
            }
            if (child.Sex is not null) patient.Gender = Gender(child.Sex);
            AddIdentifier(patient, FhirSystems.NationalId, child.NationalId);
            AddIdentifier(patient, FhirSystems.UnhcrId, child.UnhcrId);
            AddIdentifier(patient, FhirSystems.OtherId, child.OtherId);
            AddIdentifier(patient, FhirSystems.PreviousCaseCode, child.PreviousCaseCode);
            if (child.Languages is { } languages)
            {
                patient.Communication.Clear();
                foreach (var language in languages) patient.Communication.Add(Language(language));
            }
            if (child.CommunicationNeeds is { } needs) patient.SetExtension(FhirSystems.CommunicationNeeds, new FhirString(needs));
            if (child.CurrentLocation is { } location) patient.Address.Add(new Address { Text = location });
            if (child.Phone is { } phone) patient.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, phone));
        }
        if (r.Payload?.Caregiver is { } caregiver)
        {
            var contact = new Patient.ContactComponent();
            if (caregiver.FirstName is not null || caregiver.LastName is not null)
                contact.Name = new HumanName { Family = caregiver.LastName, Given = new[] { caregiver.FirstName, caregiver.MiddleName }.OfType<string>().ToList() };
            if (caregiver.Relationship is { } relationship) contact.Relationship.Add(new CodeableConcept { Text = relationship });
            if (caregiver.Phone is { } phone) contact.Telecom.Add(new ContactPoint(ContactPoint.ContactPointSystem.Phone, null, phone));
            if (caregiver.CurrentLocation is { } location) contact.Address = new Address { Text = location };
            if (caregiver.Sex is not null) contact.Gender = Gender(caregiver.Sex);
            if (caregiver.Informed is { } informed) contact.SetExtension(FhirSystems.CaregiverInformed, new FhirBoolean(informed));
            if (caregiver.NotInformedReason is { } why) contact.SetExtension(FhirSystems.CaregiverNotInformedReason, new FhirString(why));
            // A contact must say something (FHIR invariant pat-1): a name, telecom, address or organisation.
            if (contact.Name is not null || contact.Telecom.Count > 0 || contact.Address is not null) patient.Contact.Add(contact);
        }
        return patient;
    }

    private static void AddIdentifier(Patient patient, string system, string? value)
    {
        if (!string.IsNullOrEmpty(value)) patient.Identifier.Add(new Identifier(system, value));
    }

    private static Patient.CommunicationComponent Language(string code) =>
        new() { Language = new CodeableConcept(FhirSystems.Bcp47, code) };

    private static AdministrativeGender? Gender(string? sex) => sex switch
    {
        "female" => AdministrativeGender.Female,
        "male" => AdministrativeGender.Male,
        "other" => AdministrativeGender.Other,
        "unknown" => AdministrativeGender.Unknown,
        _ => null,
    };

    public static CodeableConcept ServiceTypeConcept(string code) =>
        new(FhirSystems.ServiceType, code, ServiceTypes.Find(code)?.Name ?? code);

    public static Meta Meta(long version, DateTime updatedAt) => new()
    {
        VersionId = version.ToString(CultureInfo.InvariantCulture),
        LastUpdated = new DateTimeOffset(DateTime.SpecifyKind(updatedAt, DateTimeKind.Utc)),
    };

    private static string? Telecom(IEnumerable<ContactPoint>? telecom, ContactPoint.ContactPointSystem system) =>
        telecom?.FirstOrDefault(t => t.System == system)?.Value;

    private static string? JoinText(IEnumerable<string?> parts, string separator = "\n")
    {
        var text = string.Join(separator, parts.Where(p => !string.IsNullOrWhiteSpace(p)));
        return text.Length == 0 ? null : text;
    }
}
