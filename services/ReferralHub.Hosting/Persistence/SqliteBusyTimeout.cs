using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// Lets SQLite itself wait for the write lock (<c>PRAGMA busy_timeout</c>, short native back-off of 1–100 ms) instead of
/// Microsoft.Data.Sqlite's managed retry, which sleeps 150 ms per busy answer: with several writers (API calls, the
/// outbox dispatcher, consumers) on one file every blocked write cost at least 150 ms. The managed retry still applies
/// after the native wait (dotnet/efcore#29514; docs/benchmarks.md).
/// </summary>
internal sealed class SqliteBusyTimeout(int milliseconds) : DbConnectionInterceptor
{
    private readonly string _pragma = $"PRAGMA busy_timeout = {milliseconds};";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
