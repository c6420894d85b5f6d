using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Portal.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PortalSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "portal_people",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    DisplayName = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Email = table.Column<string>(type: "TEXT", nullable: true),
                    Phone = table.Column<string>(type: "TEXT", nullable: true),
                    Agency = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Roles = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Areas = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    SignedInAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_people", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "portal_sessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PersonId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_portal_sessions", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_portal_people_Agency",
                table: "portal_people",
                column: "Agency");

            migrationBuilder.CreateIndex(
                name: "IX_portal_sessions_PersonId",
                table: "portal_sessions",
                column: "PersonId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "portal_people");

            migrationBuilder.DropTable(
                name: "portal_sessions");
        }
    }
}
