using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Consent.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Initial : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "consent_decisions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RequestedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 10, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    RecipientOrganisation = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReleaseReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Consume = table.Column<bool>(type: "INTEGER", nullable: false),
                    Permitted = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ConsentId = table.Column<Guid>(type: "TEXT", nullable: true),
                    ConsentVersion = table.Column<int>(type: "INTEGER", nullable: true),
                    OverrideId = table.Column<Guid>(type: "TEXT", nullable: true),
                    WithheldItems = table.Column<string>(type: "TEXT", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_overrides",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ReleaseReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Ground = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ProtectedJustification = table.Column<string>(type: "TEXT", nullable: false),
                    Supervisor = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    AuthorisedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_overrides", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_versions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ConsentId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    AgencyCode = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 20, nullable: false),
                    GivenBy = table.Column<string>(type: "TEXT", maxLength: 40, nullable: false),
                    AuthorisationGround = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    GivenOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    RecordedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ParticipateInCaseManagement = table.Column<bool>(type: "INTEGER", nullable: false),
                    CollectAndStore = table.Column<bool>(type: "INTEGER", nullable: false),
                    Sharing = table.Column<string>(type: "TEXT", nullable: false),
                    Organisations = table.Column<string>(type: "TEXT", nullable: false),
                    OneOff = table.Column<bool>(type: "INTEGER", nullable: false),
                    ValidUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Withholds = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_versions", x => x.Id);
                });

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
                name: "release_uses",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ReleaseReference = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    RecipientOrganisation = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Purpose = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    UsedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_release_uses", x => x.SourceId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_consent_decisions_AgencyCode_CaseCode_DecidedAt",
                table: "consent_decisions",
                columns: new[] { "AgencyCode", "CaseCode", "DecidedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_decisions_AgencyCode_CaseCode_ReleaseReference",
                table: "consent_decisions",
                columns: new[] { "AgencyCode", "CaseCode", "ReleaseReference" });

            migrationBuilder.CreateIndex(
                name: "IX_consent_decisions_DecidedAt",
                table: "consent_decisions",
                column: "DecidedAt");

            migrationBuilder.CreateIndex(
                name: "IX_consent_overrides_AgencyCode_CaseCode_ReleaseReference",
                table: "consent_overrides",
                columns: new[] { "AgencyCode", "CaseCode", "ReleaseReference" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_consent_overrides_AuthorisedAt",
                table: "consent_overrides",
                column: "AuthorisedAt");

            migrationBuilder.CreateIndex(
                name: "IX_consent_versions_AgencyCode_CaseCode_Version",
                table: "consent_versions",
                columns: new[] { "AgencyCode", "CaseCode", "Version" },
                unique: true);

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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "consent_decisions");

            migrationBuilder.DropTable(
                name: "consent_overrides");

            migrationBuilder.DropTable(
                name: "consent_versions");

            migrationBuilder.DropTable(
                name: "inbox_messages");

            migrationBuilder.DropTable(
                name: "outbox_messages");

            migrationBuilder.DropTable(
                name: "protection_keys");

            migrationBuilder.DropTable(
                name: "release_uses");
        }
    }
}
