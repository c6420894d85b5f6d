// The hub's REST shapes as the facade reads and sends them: generated from the committed OpenAPI document
// (clients/ReferralHub.HubClient, docs/openapi/v1.json), never redeclared here, so a field the services rename or
// remove stops this project's build. The facade still talks to the services over HTTP only, with the caller's token.
global using Accepted = ReferralHub.Wire.Accepted;
global using AreaDto = ReferralHub.Wire.AreaDto;
global using CaregiverDetails = ReferralHub.Wire.CaregiverDetails;
global using ChildDetails = ReferralHub.Wire.ChildDetails;
global using CompleteRequest = ReferralHub.Wire.CompleteRequest;
global using ConsentStatement = ReferralHub.Wire.ConsentStatement;
global using DeclineInfo = ReferralHub.Wire.DeclineInfo;
global using FocalPoint = ReferralHub.Wire.FocalPoint;
global using OrganisationDto = ReferralHub.Wire.OrganisationDto;
global using PageOfAreaDto = ReferralHub.Wire.PageOfAreaDto;
global using PageOfInboxItem = ReferralHub.Wire.PageOfInboxItem;
global using PageOfOrganisationDto = ReferralHub.Wire.PageOfOrganisationDto;
global using PageOfReferralListItem = ReferralHub.Wire.PageOfReferralListItem;
global using ProviderFocalPoint = ReferralHub.Wire.ProviderFocalPoint;
global using ReferralPayload = ReferralHub.Wire.ReferralPayload;
global using ReferralSummary = ReferralHub.Wire.ReferralSummary;
global using ReferralView = ReferralHub.Wire.ReferralView;
global using ReferrerContact = ReferralHub.Wire.ReferrerContact;
global using ServiceDto = ReferralHub.Wire.ServiceDto;
global using ServiceOutcome = ReferralHub.Wire.ServiceOutcome;
global using ServiceReport = ReferralHub.Wire.ServiceReport;
global using SubmitReferralRequest = ReferralHub.Wire.SubmitReferralRequest;
