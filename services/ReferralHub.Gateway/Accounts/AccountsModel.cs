using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Gateway.Accounts;

/// <summary>
/// The ASP.NET Core Identity user tables (users, claims, external logins, tokens) in the gateway's own DbContext,
/// which derives from ServiceDbContext (outbox/inbox) and so cannot derive from IdentityUserContext. Same shape as
/// IdentityUserContext's model.
/// </summary>
internal static class AccountsModel
{
    public static ModelBuilder AddPersonAccounts(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<PersonAccount>(user =>
        {
            user.ToTable("person_accounts");
            user.HasKey(u => u.Id);
            user.HasIndex(u => u.NormalizedUserName).IsUnique();
            user.HasIndex(u => u.NormalizedEmail);
            user.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
            user.Property(u => u.UserName).HasMaxLength(256);
            user.Property(u => u.NormalizedUserName).HasMaxLength(256);
            user.Property(u => u.Email).HasMaxLength(256);
            user.Property(u => u.NormalizedEmail).HasMaxLength(256);
            user.Property(u => u.DisplayName).HasMaxLength(200);
            user.HasMany<IdentityUserClaim<string>>().WithOne().HasForeignKey(c => c.UserId).IsRequired();
            user.HasMany<IdentityUserLogin<string>>().WithOne().HasForeignKey(l => l.UserId).IsRequired();
            user.HasMany<IdentityUserToken<string>>().WithOne().HasForeignKey(t => t.UserId).IsRequired();
        });
        modelBuilder.Entity<IdentityUserClaim<string>>(claim =>
        {
            claim.ToTable("person_account_claims");
            claim.HasKey(c => c.Id);
            claim.HasIndex(c => new { c.ClaimType, c.ClaimValue });
        });
        modelBuilder.Entity<IdentityUserLogin<string>>(login =>
        {
            login.ToTable("person_account_logins");
            login.HasKey(l => new { l.LoginProvider, l.ProviderKey });
            login.Property(l => l.LoginProvider).HasMaxLength(128);
            login.Property(l => l.ProviderKey).HasMaxLength(128);
        });
        modelBuilder.Entity<IdentityUserToken<string>>(token =>
        {
            token.ToTable("person_account_tokens");
            token.HasKey(t => new { t.UserId, t.LoginProvider, t.Name });
            token.Property(t => t.LoginProvider).HasMaxLength(128);
            token.Property(t => t.Name).HasMaxLength(128);
        });
        return modelBuilder;
    }
}
