using Microsoft.EntityFrameworkCore;

namespace ReferralHub.Hosting.Protection;

/// <summary>
/// A data key for one protection scope (an agency, or one case of an agency), stored wrapped by the service's
/// Data Protection key ring. Deleting the row makes everything encrypted under it unreadable (crypto-shredding).
/// </summary>
public sealed class ProtectionKey
{
    public Guid Id { get; set; }

    public required string Scope { get; set; }

    /// <summary>The 256-bit AES key, protected with ASP.NET Core Data Protection (the master key ring).</summary>
    public required byte[] WrappedKey { get; set; }

    public DateTime CreatedAt { get; set; }
}

/// <summary>A service DbContext that keeps protection keys: add <c>modelBuilder.AddProtectionKeys()</c> to OnModelCreating.</summary>
public interface IProtectionKeyContext
{
    DbSet<ProtectionKey> ProtectionKeys { get; }
}

public static class ProtectionModel
{
    public static ModelBuilder AddProtectionKeys(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<ProtectionKey>(key =>
        {
            key.ToTable("protection_keys");
            key.HasKey(k => k.Id);
            key.Property(k => k.Scope).HasMaxLength(300).IsRequired();
            key.HasIndex(k => k.Scope).IsUnique();
            key.Property(k => k.WrappedKey).IsRequired();
        });
        return modelBuilder;
    }
}
