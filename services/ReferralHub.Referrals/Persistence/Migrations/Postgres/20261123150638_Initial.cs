using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Postgres
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
                    MessageId = table.Column<Guid>(type: "uuid", nullable: false),
                    Consumer = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    HandledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_inbox_messages", x => new { x.MessageId, x.Consumer });
                });

            migrationBuilder.CreateTable(
                name: "outbox_messages",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AggregateId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    MessageType = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    Body = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_outbox_messages", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "protection_keys",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    WrappedKey = table.Column<byte[]>(type: "bytea", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_protection_keys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_changes",
                columns: table => new
                {
                    Sequence = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ReferralId = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    Reason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    OrganisationCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ServiceId = table.Column<Guid>(type: "uuid", nullable: true),
                    Overdue = table.Column<bool>(type: "boolean", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_changes", x => x.Sequence);
                });

            migrationBuilder.CreateTable(
                name: "referral_notes",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReferralId = table.Column<Guid>(type: "uuid", nullable: false),
                    AuthorAgency = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AuthorSide = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    TextProtected = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_notes", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referral_releases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ReferralId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ServiceId = table.Column<Guid>(type: "uuid", nullable: false),
                    FocalPointId = table.Column<Guid>(type: "uuid", nullable: true),
                    FocalPointName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ItemsJson = table.Column<string>(type: "text", nullable: false),
                    WithheldJson = table.Column<string>(type: "text", nullable: false),
                    ProfileVersion = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConsentVersion = table.Column<int>(type: "integer", nullable: true),
                    OverrideId = table.Column<Guid>(type: "uuid", nullable: true),
                    DecisionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ReleasedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    ReleasedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referral_releases", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "referrals",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    SubmittedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RequestHashProtected = table.Column<string>(type: "text", nullable: false),
                    ServiceType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    AreaCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    TargetServiceId = table.Column<Guid>(type: "uuid", nullable: true),
                    Priority = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Status = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    StatusReason = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    CandidatesJson = table.Column<string>(type: "text", nullable: false),
                    OfferIndex = table.Column<int>(type: "integer", nullable: false),
                    RoutingStep = table.Column<int>(type: "integer", nullable: false),
                    ReofferToNext = table.Column<bool>(type: "boolean", nullable: false),
                    EscalationFocalPointsJson = table.Column<string>(type: "text", nullable: false),
                    ServiceId = table.Column<Guid>(type: "uuid", nullable: true),
                    OrganisationCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    OfferedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeadlineAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Overdue = table.Column<bool>(type: "boolean", nullable: false),
                    OverdueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    RespondedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AcceptedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ServiceStartedOn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ServiceCompletedOn = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    DeclineReason = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: true),
                    DeclineDetailsProtected = table.Column<string>(type: "text", nullable: true),
                    ChildSatisfaction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    CaregiverSatisfaction = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: true),
                    ServiceReportProtected = table.Column<string>(type: "text", nullable: true),
                    PayloadProtected = table.Column<string>(type: "text", nullable: false),
                    SummaryProtected = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_referrals", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_dead_letters",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    SubscriptionId = table.Column<Guid>(type: "uuid", nullable: false),
                    ChangeSequence = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    DeadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ResentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_webhook_dead_letters", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "webhook_subscriptions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    SecretProtected = table.Column<string>(type: "text", nullable: false),
                    Active = table.Column<bool>(type: "boolean", nullable: false),
                    LastSequence = table.Column<long>(type: "bigint", nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastError = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    CreatedBy = table.Column<string>(type: "text", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
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
