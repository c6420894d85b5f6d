using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Portal.Persistence.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Notifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agency_notice_defaults",
                columns: table => new
                {
                    AgencyCode = table.Column<string>(type: "text", nullable: false),
                    NoticeKinds = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Digest = table.Column<bool>(type: "boolean", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_agency_notice_defaults", x => x.AgencyCode);
                });

            migrationBuilder.CreateTable(
                name: "notification_deliveries",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    DedupKey = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    UserId = table.Column<string>(type: "text", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Channel = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    FactsJson = table.Column<string>(type: "text", nullable: false),
                    State = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    DigestId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_deliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "notification_open_offers",
                columns: table => new
                {
                    ReferralId = table.Column<Guid>(type: "uuid", nullable: false),
                    OrganisationCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ServiceType = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Priority = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    OfferedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeadlineAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    RemindedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ClosedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_notification_open_offers", x => x.ReferralId);
                });

            migrationBuilder.CreateTable(
                name: "person_settings",
                columns: table => new
                {
                    UserId = table.Column<string>(type: "text", nullable: false),
                    Culture = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    NoticeKinds = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    Digest = table.Column<bool>(type: "boolean", nullable: true),
                    LastDigestAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_person_settings", x => x.UserId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_AgencyCode_CreatedAt",
                table: "notification_deliveries",
                columns: new[] { "AgencyCode", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_DedupKey",
                table: "notification_deliveries",
                column: "DedupKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_State_NextAttemptAt",
                table: "notification_deliveries",
                columns: new[] { "State", "NextAttemptAt" });

            migrationBuilder.CreateIndex(
                name: "IX_notification_deliveries_UserId_State",
                table: "notification_deliveries",
                columns: new[] { "UserId", "State" });

            migrationBuilder.CreateIndex(
                name: "IX_notification_open_offers_ClosedAt_RemindedAt_DeadlineAt",
                table: "notification_open_offers",
                columns: new[] { "ClosedAt", "RemindedAt", "DeadlineAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "agency_notice_defaults");

            migrationBuilder.DropTable(
                name: "notification_deliveries");

            migrationBuilder.DropTable(
                name: "notification_open_offers");

            migrationBuilder.DropTable(
                name: "person_settings");
        }
    }
}
