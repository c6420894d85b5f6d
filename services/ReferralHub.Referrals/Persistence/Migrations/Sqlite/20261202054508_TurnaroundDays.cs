using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Referrals.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class TurnaroundDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "DaysJson",
                table: "turnaround_months",
                type: "TEXT",
                nullable: true);

            // Figures stored before days were kept: mark their cells stale, so the roll-up sweep stores their days
            // (until then the report reads those cells' referrals when a window cuts their month).
            migrationBuilder.Sql(@"INSERT INTO turnaround_stale_cells (""Cell"", ""Month"") SELECT ""Cell"", ""Month"" FROM turnaround_months;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DaysJson",
                table: "turnaround_months");
        }
    }
}
