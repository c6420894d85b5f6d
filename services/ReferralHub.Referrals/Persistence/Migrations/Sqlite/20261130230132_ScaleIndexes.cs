using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ScaleIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referrals_OrganisationCode_Status",
                table: "referrals");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_AgencyCode_CreatedAt_Id",
                table: "referrals",
                columns: new[] { "AgencyCode", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_CreatedAt",
                table: "referrals",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OrganisationCode_CreatedAt_Id",
                table: "referrals",
                columns: new[] { "OrganisationCode", "CreatedAt", "Id" });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OrganisationCode_Status_CreatedAt_Id",
                table: "referrals",
                columns: new[] { "OrganisationCode", "Status", "CreatedAt", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_referrals_AgencyCode_CreatedAt_Id",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_CreatedAt",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_OrganisationCode_CreatedAt_Id",
                table: "referrals");

            migrationBuilder.DropIndex(
                name: "IX_referrals_OrganisationCode_Status_CreatedAt_Id",
                table: "referrals");

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OrganisationCode_Status",
                table: "referrals",
                columns: new[] { "OrganisationCode", "Status" });
        }
    }
}
