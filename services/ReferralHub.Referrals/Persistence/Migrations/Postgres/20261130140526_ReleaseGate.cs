using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Postgres
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
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OfferWithheldJson",
                table: "referrals",
                type: "character varying(2000)",
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
