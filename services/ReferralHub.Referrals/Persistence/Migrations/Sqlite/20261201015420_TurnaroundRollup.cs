using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TurnaroundRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "turnaround_months",
                columns: table => new
                {
                    Cell = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false),
                    FiguresJson = table.Column<string>(type: "TEXT", nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_turnaround_months", x => x.Cell);
                });

            migrationBuilder.CreateTable(
                name: "turnaround_stale_cells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Cell = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    Month = table.Column<string>(type: "TEXT", maxLength: 7, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_turnaround_stale_cells", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_referrals_OriginAgencyCode_ServiceType_Priority_AreaCode_CreatedAt",
                table: "referrals",
                columns: new[] { "OriginAgencyCode", "ServiceType", "Priority", "AreaCode", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_turnaround_months_Month",
                table: "turnaround_months",
                column: "Month");

            migrationBuilder.CreateIndex(
                name: "IX_turnaround_stale_cells_Month",
                table: "turnaround_stale_cells",
                column: "Month");

            // Referrals stored before the roll-up existed: every cell of theirs starts stale, so the roll-up sweep
            // computes it (and the report computes it itself until then).
            migrationBuilder.Sql(@"INSERT INTO turnaround_stale_cells (""Cell"", ""Month"")
SELECT json_array(m, ""ServiceType"", ""OriginAgencyCode"", ""AreaCode"", ""Priority""), m
FROM (SELECT DISTINCT substr(""CreatedAt"", 1, 7) AS m, ""ServiceType"", ""OriginAgencyCode"", ""AreaCode"", ""Priority"" FROM referrals) AS cells;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "turnaround_months");

            migrationBuilder.DropTable(
                name: "turnaround_stale_cells");

            migrationBuilder.DropIndex(
                name: "IX_referrals_OriginAgencyCode_ServiceType_Priority_AreaCode_CreatedAt",
                table: "referrals");
        }
    }
}
