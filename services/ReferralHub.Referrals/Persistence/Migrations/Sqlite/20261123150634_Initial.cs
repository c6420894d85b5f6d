using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "inbox_messages",
                columns: table => new
                {
                    MessageId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Consumer = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    HandledAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AggregateId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    MessageType = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    SentAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "protection_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Scope = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_protection_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_changes",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReferralId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OrganisationCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    ServiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Overdue = table.Column<bool>(type: "INTEGER", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_changes", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "referral_notes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReferralId = table.Column<Guid>(type: "TEXT", nullable: false),
                    AuthorAgency = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AuthorSide = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    TextProtected = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_notes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_releases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReferralId = table.Column<Guid>(type: "TEXT", nullable: false),
                    OrganisationCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ServiceId = table.Column<Guid>(type: "TEXT", nullable: false),
                    FocalPointId = table.Column<Guid>(type: "TEXT", nullable: true),
                    FocalPointName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ItemsJson = table.Column<string>(type: "TEXT", nullable: false),
                    WithheldJson = table.Column<string>(type: "TEXT", nullable: false),
                    ProfileVersion = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    ConsentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ConsentVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    OverrideId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DecisionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ReleasedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_releases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RequestHashProtected = table.Column<string>(type: "TEXT", nullable: false),
                    ServiceType = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    AreaCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    TargetServiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    Priority = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    StatusReason = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    CandidatesJson = table.Column<string>(type: "TEXT", nullable: false),
                    OfferIndex = table.Column<int>(type: "INTEGER", nullable: false),
                    RoutingStep = table.Column<int>(type: "INTEGER", nullable: false),
                    ReofferToNext = table.Column<bool>(type: "INTEGER", nullable: false),
                    EscalationFocalPointsJson = table.Column<string>(type: "TEXT", nullable: false),
                    ServiceId = table.Column<Guid>(type: "TEXT", nullable: true),
                    OrganisationCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    OfferedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeadlineAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Overdue = table.Column<bool>(type: "INTEGER", nullable: false),
                    OverdueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    RespondedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcceptedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ServiceStartedOn = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ServiceCompletedOn = table.Column<DateTime>(type: "TEXT", nullable: true),
                    DeclineReason = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    DeclineDetailsProtected = table.Column<string>(type: "TEXT", nullable: true),
                    ChildSatisfaction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    CaregiverSatisfaction = table.Column<string>(type: "TEXT", maxLength: 10, nullable: true),
                    ServiceReportProtected = table.Column<string>(type: "TEXT", nullable: true),
                    PayloadProtected = table.Column<string>(type: "TEXT", nullable: false),
                    SummaryProtected = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referrals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_dead_letters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChangeSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    DeadAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ResentAt = table.Column<DateTime>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_dead_letters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Url = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SecretProtected = table.Column<string>(type: "TEXT", nullable: false),
                    Active = table.Column<bool>(type: "INTEGER", nullable: false),
                    LastSequence = table.Column<long>(type: "INTEGER", nullable: false),
                    Attempts = table.Column<int>(type: "INTEGER", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastError = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_subscriptions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_inbox_messages_HandledAt",
                table: "inbox_messages",
                column: "HandledAt");

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_Id",
                table: "outbox_messages",
                column: "Id",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_outbox_messages_SentAt_Sequence",
                table: "outbox_messages",
                columns: new[] { "SentAt", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_protection_keys_Scope",
                table: "protection_keys",
                column: "Scope",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_referral_changes_AgencyCode_Sequence",
                table: "referral_changes",
                columns: new[] { "AgencyCode", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_changes_ReferralId_Sequence",
                table: "referral_changes",
                columns: new[] { "ReferralId", "Sequence" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_notes_ReferralId_CreatedAt",
                table: "referral_notes",
                columns: new[] { "ReferralId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_referral_releases_ReferralId",
                table: "referral_releases",
                column: "ReferralId");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AgencyCode_CaseCode",
                table: "referrals",
                columns: new[] { "AgencyCode", "CaseCode" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AgencyCode_IdempotencyKey",
                table: "referrals",
                columns: new[] { "AgencyCode", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AgencyCode_UpdatedAt_Id",
                table: "referrals",
                columns: new[] { "AgencyCode", "UpdatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OrganisationCode_Status",
                table: "referrals",
                columns: new[] { "OrganisationCode", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_Status_DeadlineAt",
                table: "referrals",
                columns: new[] { "Status", "DeadlineAt" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_dead_letters_SubscriptionId_ChangeSequence",
                table: "webhook_dead_letters",
                columns: new[] { "SubscriptionId", "ChangeSequence" });

            migrationBuilder.CreateIndex(
                name: "IX_webhook_subscriptions_Active_NextAttemptAt",
                table: "webhook_subscriptions",
                columns: new[] { "Active", "NextAttemptAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "protection_keys");

            migrationBuilder.DropTable(
                name: "referral_changes");

            migrationBuilder.DropTable(
                name: "referral_notes");

            migrationBuilder.DropTable(
                name: "referral_releases");

            migrationBuilder.DropTable(
                name: "referrals");

            migrationBuilder.DropTable(
                name: "webhook_dead_letters");

            migrationBuilder.DropTable(
                name: "webhook_subscriptions");
        }
    }
}
