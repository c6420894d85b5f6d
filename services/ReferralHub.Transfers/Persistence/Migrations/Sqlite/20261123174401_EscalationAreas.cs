using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Transfers.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class EscalationAreas : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "EscalationAreas",
                table: "transfers",
                type: "TEXT",
                nullable: false,
                defaultValue: "[]");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "EscalationAreas",
                table: "transfers");
        }
    }
}
