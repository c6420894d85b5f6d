using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReleaseGate : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "ConsentWithdrawnAt",
                table: "referrals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OfferWithheldJson",
                table: "referrals",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "ConsentWithdrawnAt",
                table: "referrals");

            migrationBuilder.DropColumn(
                name: "OfferWithheldJson",
                table: "referrals");
        }
    }
}
