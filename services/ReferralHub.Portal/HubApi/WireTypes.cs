// What the portal reads from the hub's REST APIs: the wire types generated from the committed OpenAPI document
// (clients/ReferralHub.HubClient, docs/openapi/v1.json), under the names the pages already use. Nothing the portal
// deserializes is redeclared here, so a field a service renames or removes stops the portal's build (docs/api-conventions.md,
// "Changing a shape"). The bodies a page builds and edits (`with`) are small records of the portal's own in HubApi/,
// sent as the generated body types (`ToWire()`), so those stop compiling too; a few short bodies are still anonymous.
global using AgencyClientSecretView = ReferralHub.Wire.AgencyClientSecret;
global using AgencyClientView = ReferralHub.Wire.AgencyClientView;
global using AgencyUserSetPasswordLink = ReferralHub.Wire.AgencyUserSetPasswordLink;
global using AgencyUserView = ReferralHub.Wire.AgencyUserView;
global using AreaView = ReferralHub.Wire.AreaDto;
global using BulkCaseReportView = ReferralHub.Wire.BulkCaseReport;
global using BulkJobSummaryView = ReferralHub.Wire.BulkJobSummary;
global using BulkJobViewModel = ReferralHub.Wire.BulkJobView;
global using CapacitySummaryViewModel = ReferralHub.Wire.CapacitySummaryView;
global using CaseworkerCapacityView = ReferralHub.Wire.CaseworkerCapacity;
global using CaseworkerCaseloadView = ReferralHub.Wire.CaseworkerCaseload;
global using ContactView = ReferralHub.Wire.FocalPointSnapshot;
global using DeadLetterView = ReferralHub.Wire.DeadLetterView;
global using DirectoryServiceView = ReferralHub.Wire.ServiceDto;
global using EscalatedTransferView = ReferralHub.Wire.EscalatedTransferView;
global using HandoverPackageView = ReferralHub.Wire.HandoverPackage;
global using InboxItemView = ReferralHub.Wire.InboxItem;
global using NoteViewModel = ReferralHub.Wire.NoteView;
global using OverrideResultView = ReferralHub.Wire.OverrideView;
global using PackageAttachmentViewModel = ReferralHub.Wire.PackageAttachmentView;
global using PathwayView = ReferralHub.Wire.PathwayDto;
global using ReferralListItemView = ReferralHub.Wire.ReferralListItem;
global using ReferralView = ReferralHub.Wire.ReferralView;
global using StaleEntryView = ReferralHub.Wire.StaleEntryDto;
global using StaleEntryWithContactsView = ReferralHub.Wire.StaleEntryDto;
global using TransferViewModel = ReferralHub.Wire.TransferView;
global using TurnaroundCellView = ReferralHub.Wire.TurnaroundCell;
global using TurnaroundReportView = ReferralHub.Wire.TurnaroundReport;
global using WebhookDeliveryView = ReferralHub.Wire.WebhookDeliveryView;
global using WebhookRegisteredView = ReferralHub.Wire.WebhookRegistered;
global using WebhookView = ReferralHub.Wire.WebhookView;

// In the portal's root namespace, which every page imports (_ViewImports.cshtml).
namespace ReferralHub.Portal;

/// <summary>What the pages ask of a generated wire type beyond its fields.</summary>
public static class WireTypeExtensions
{
    extension(WebhookDeliveryView delivery)
    {
        /// <summary>A transfer step (the same webhook carries the agency's referral and transfer events).</summary>
        public bool IsTransfer => delivery.Type == "transfer.status-changed";
    }
}
