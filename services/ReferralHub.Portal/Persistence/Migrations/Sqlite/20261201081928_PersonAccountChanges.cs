using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace ReferralHub.Portal.Persistence.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PersonAccountChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "AccountVersion",
                table: "portal_people",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0L);

            migrationBuilder.AddColumn<bool>(
                name: "Active",
                table: "portal_people",
                type: "INTEGER",
                nullable: false,
                defaultValue: true); // people known before this migration signed in with an enabled account
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "AccountVersion",
                table: "portal_people");

            migrationBuilder.DropColumn(
                name: "Active",
                table: "portal_people");
        }
    }
}
