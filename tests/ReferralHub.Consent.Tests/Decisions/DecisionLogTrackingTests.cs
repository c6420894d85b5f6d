using Microsoft.EntityFrameworkCore;
using ReferralHub.Consent.Persistence;
using ReferralHub.Hosting.Persistence;

namespace ReferralHub.Consent.Tests.Decisions;

/// <summary>
/// Every decision inserts one tracked row: its withheld items are compared and snapshotted with the comparer that
/// builds no delegate per call (EF Core's own for a list did, at each Add and each DetectChanges; docs/consent.md).
/// </summary>
public sealed class DecisionLogTrackingTests
{
    [Fact]
    public void The_withheld_items_of_a_decision_are_tracked_with_the_string_list_comparer()
    {
        var options = new DbContextOptionsBuilder<SqliteConsentRegistryDbContext>().UseSqlite("Data Source=:memory:").Options;
        using var db = new SqliteConsentRegistryDbContext(options);

        var property = db.Model.FindEntityType(typeof(DecisionRecord))!.FindProperty(nameof(DecisionRecord.WithheldItems))!;

        Assert.IsType<StringListComparer>(property.GetValueComparer());
    }
}
