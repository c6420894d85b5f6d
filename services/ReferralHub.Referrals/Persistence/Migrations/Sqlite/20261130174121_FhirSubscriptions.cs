using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FhirSubscriptions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "Criteria",
                table: "webhook_subscriptions",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Format",
                table: "webhook_subscriptions",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "hub-event");

            migrationBuilder.AddColumn<Guid>(
                name: "ServiceFilter",
                table: "webhook_subscriptions",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "StatusFilter",
                table: "webhook_subscriptions",
                type: "TEXT",
                maxLength: 500,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "Criteria",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "Format",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "ServiceFilter",
                table: "webhook_subscriptions");

            migrationBuilder.DropColumn(
                name: "StatusFilter",
                table: "webhook_subscriptions");
        }
    }
}
