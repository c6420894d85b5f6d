using ReferralHub.Referrals.Metrics;

namespace ReferralHub.Referrals.Tests.Metrics;

/// <summary>
/// The report's order (<see cref="TurnaroundFigures.Order"/>, which ranks each field's distinct values once) is the
/// order of sorting by month, service type, agency, area and priority with the default string comparer, ties kept in
/// their given order.
/// </summary>
public sealed class TurnaroundOrderTests
{
    [Fact]
    public void Cells_come_in_the_order_of_sorting_by_each_field_with_the_default_comparer()
    {
        string[] months = ["2026-10", "2026-09", "2025-12"];
        string[] serviceTypes = ["mental-health", "Mental-health", "education", "mentalhealth"];
        string[] agencies = ["agency-b", "hist-agency-10", "hist-agency-9", "agency-a", "Agency-a", "agencya"];
        string?[] areas = [null, "camp-2", "camp-10", "Camp-1", ""];
        string[] priorities = ["medium", "high", "low"];
        var random = new Random(17);
        var cells = Enumerable.Range(0, 400).Select(i => new TurnaroundCell(
            serviceTypes[random.Next(serviceTypes.Length)], agencies[random.Next(agencies.Length)], areas[random.Next(areas.Length)],
            priorities[random.Next(priorities.Length)], months[random.Next(months.Length)], i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "0", new Dictionary<string, string>(), "0", "0", null, null, null, null, null)).ToList();

        var expected = cells.OrderBy(c => c.Month).ThenBy(c => c.ServiceType).ThenBy(c => c.Agency).ThenBy(c => c.Area).ThenBy(c => c.Priority).ToList();

        Assert.Equal(expected.Select(c => c.Sent), TurnaroundFigures.Order(cells).Select(c => c.Sent));
    }
}
