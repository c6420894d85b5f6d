using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Hosting.Tests.Persistence;

/// <summary>The change tracker's comparer for string lists: same strings in the same order, snapshots are copies.</summary>
public sealed class StringListComparerTests
{
    private static readonly StringListComparer Comparer = new();

    [Fact]
    public void Equal_means_the_same_strings_in_the_same_order_compared_ordinally()
    {
        Assert.True(Comparer.Equals(["a", "b"], ["a", "b"]));
        Assert.False(Comparer.Equals(["a", "b"], ["b", "a"]));
        Assert.False(Comparer.Equals(["a"], ["A"]));
        Assert.False(Comparer.Equals(["a"], ["a", "b"]));
        Assert.True(Comparer.Equals(null, null));
        Assert.False(Comparer.Equals(["a"], null));
        Assert.Equal(Comparer.GetHashCode(["a", "b"]), Comparer.GetHashCode(["a", "b"]));
    }

    [Fact]
    public void A_snapshot_is_a_copy_so_an_edit_in_place_is_saved()
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var options = new DbContextOptionsBuilder<ListContext>().UseSqlite(connection).Options;
        using (var db = new ListContext(options))
        {
            db.Database.EnsureCreated();
            db.Rows.Add(new ListRow { Id = 1, Items = ["a"] });
            db.SaveChanges();

            db.Rows.Single().Items.Add("b");
            db.SaveChanges();
        }

        using var fresh = new ListContext(options);
        Assert.Equal(["a", "b"], fresh.Rows.AsNoTracking().Single().Items);
    }

    private sealed class ListRow
    {
        public int Id { get; set; }

        public List<string> Items { get; set; } = [];
    }

    private sealed class ListContext(DbContextOptions<ListContext> options) : DbContext(options)
    {
        public DbSet<ListRow> Rows => Set<ListRow>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) =>
            modelBuilder.Entity<ListRow>().PrimitiveCollection(r => r.Items).Metadata.SetValueComparer(new StringListComparer());
    }
}
