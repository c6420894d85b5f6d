using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace ReferralHub.Consent.Persistence.Migrations.Postgres
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
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Channel = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    RecipientOrganisation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReleaseReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Consume = table.Column<bool>(type: "boolean", nullable: false),
                    Permitted = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: true),
                    ConsentVersion = table.Column<int>(type: "integer", nullable: true),
                    OverrideId = table.Column<Guid>(type: "uuid", nullable: true),
                    WithheldItems = table.Column<List<string>>(type: "text[]", nullable: false),
                    DecidedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_decisions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_overrides",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ReleaseReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    Ground = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ProtectedJustification = table.Column<string>(type: "text", nullable: false),
                    Supervisor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    AuthorisedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_overrides", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "consent_versions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ConsentId = table.Column<Guid>(type: "uuid", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    AgencyCode = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    CaseCode = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    GivenBy = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    AuthorisationGround = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    GivenOn = table.Column<DateOnly>(type: "date", nullable: false),
                    RecordedBy = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RecordedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ParticipateInCaseManagement = table.Column<bool>(type: "boolean", nullable: false),
                    CollectAndStore = table.Column<bool>(type: "boolean", nullable: false),
                    Sharing = table.Column<List<string>>(type: "text[]", nullable: false),
                    Organisations = table.Column<List<string>>(type: "text[]", nullable: false),
                    OneOff = table.Column<bool>(type: "boolean", nullable: false),
                    ValidUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Withholds = table.Column<string>(type: "jsonb", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_consent_versions", x => x.Id);
                });

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
                name: "release_uses",
                columns: table => new
                {
                    SourceId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ReleaseReference = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    RecipientOrganisation = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Purpose = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
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
