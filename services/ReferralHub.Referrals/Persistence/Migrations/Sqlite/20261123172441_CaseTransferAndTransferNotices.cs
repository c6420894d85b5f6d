using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class CaseTransferAndTransferNotices : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referrals_AgencyCode_IdempotencyKey",
                table: "referrals");

            migrationBuilder.AddColumn<string>(
                name: "OriginAgencyCode",
                table: "referrals",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<string>(
                name: "OriginCaseCode",
                table: "referrals",
                type: "TEXT",
                maxLength: 100,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "TransferId",
                table: "referrals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "referral_changes",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<Guid>(
                name: "TransferId",
                table: "referral_changes",
                type: "TEXT",
                nullable: true);

            // Rows written before a case could move: the origin is where they are.
            migrationBuilder.Sql("UPDATE referrals SET \"OriginAgencyCode\" = \"AgencyCode\", \"OriginCaseCode\" = \"CaseCode\";");
            migrationBuilder.Sql("UPDATE referral_changes SET \"Kind\" = 'referral';");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OriginAgencyCode_IdempotencyKey",
                table: "referrals",
                columns: new[] { "OriginAgencyCode", "IdempotencyKey" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OriginAgencyCode_OriginCaseCode",
                table: "referrals",
                columns: new[] { "OriginAgencyCode", "OriginCaseCode" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referrals_OriginAgencyCode_IdempotencyKey",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_OriginAgencyCode_OriginCaseCode",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "OriginAgencyCode",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "OriginCaseCode",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "TransferId",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "referral_changes");

            migrationBuilder.DropColumn(
                name: "TransferId",
                table: "referral_changes");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AgencyCode_IdempotencyKey",
                table: "referrals",
                columns: new[] { "AgencyCode", "IdempotencyKey" },
                unique: true);
        }
    }
}
