namespace ReferralHub.Wire;

/// <summary>
/// The hub's one list shape, <c>{ items, nextCursor }</c> (docs/api-conventions.md, Lists). The document names each page
/// type after its item (<c>PageOfAreaDto</c>), so the generator writes one class per list; this interface lets a reader
/// follow cursors through any of them. If a page loses either field, these declarations stop compiling.
/// </summary>
public interface IPage<T>
{
    List<T> Items { get; }

    string? NextCursor { get; }
}

public partial class PageOfAgencyUserView : IPage<AgencyUserView>;

public partial class PageOfAreaDto : IPage<AreaDto>;

public partial class PageOfOrganisationDto : IPage<OrganisationDto>;

public partial class PageOfReferralListItem : IPage<ReferralListItem>;

public partial class PageOfInboxItem : IPage<InboxItem>;

public partial class PageOfTransferView : IPage<TransferView>;

public partial class PageOfChangeItem : IPage<ChangeItem>;

public partial class PageOfTransferChangeView : IPage<TransferChangeView>;

public partial class PageOfWebhookView : IPage<WebhookView>;

public partial class PageOfBulkJobSummary : IPage<BulkJobSummary>;

public partial class PageOfConsentView : IPage<ConsentView>;

public partial class PageOfDeadLetterView : IPage<DeadLetterView>;

public partial class PageOfDecisionView : IPage<DecisionView>;

public partial class PageOfNoteView : IPage<NoteView>;

public partial class PageOfOverrideRecordView : IPage<OverrideRecordView>;

public partial class PageOfWebhookDeliveryView : IPage<WebhookDeliveryView>;

public partial class PageOfAgencyClientView : IPage<AgencyClientView>;

public partial class PageOfEscalatedTransferView : IPage<EscalatedTransferView>;

public partial class PageOfCaseworkerCaseload : IPage<CaseworkerCaseload>;

public partial class PageOfHistoryDto : IPage<HistoryDto>;

public partial class PageOfPathwayDto : IPage<PathwayDto>;

public partial class PageOfReleaseView : IPage<ReleaseView>;

public partial class PageOfServiceDto : IPage<ServiceDto>;

public partial class PageOfStaleEntryDto : IPage<StaleEntryDto>;
