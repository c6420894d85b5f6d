using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReferralHub.Bench.Referrals;

/// <summary>
/// The bench's fast path into a service's own SQLite file: one prepared INSERT per table, built from the service's EF
/// Core model (so the columns, names and value conversions are the ones the service itself writes), and big
/// transactions. Only for loading history in benches: it bypasses the service (no outbox, no events).
/// </summary>
public sealed class BulkLoader : IAsyncDisposable
{
    private const int RowsPerTransaction = 20_000;

    private readonly SqliteConnection _connection;
    private readonly IModel _model;
    private readonly Dictionary<Type, Table> _tables = [];
    private SqliteTransaction? _transaction;
    private int _rowsInTransaction;

    public long Rows { get; private set; }

    private BulkLoader(SqliteConnection connection, IModel model)
    {
        _connection = connection;
        _model = model;
    }

    public static async Task<BulkLoader> OpenAsync(DbContext db)
    {
        var connection = new SqliteConnection(db.Database.GetConnectionString());
        await connection.OpenAsync();
        // The hub keeps running while the history is loaded: wait for its writers rather than fail, and skip the
        // per-commit fsync for the load only (this connection's setting; a bench, not the service's own writes).
        await using (var pragma = connection.CreateCommand())
        {
            // A large page cache: the random GUID keys of the indexes touch pages all over a file of a few GB.
            pragma.CommandText = "PRAGMA busy_timeout = 60000; PRAGMA synchronous = OFF; PRAGMA cache_size = -400000; PRAGMA temp_store = MEMORY;";
            await pragma.ExecuteNonQueryAsync();
        }
        return new BulkLoader(connection, db.Model);
    }

    public SqliteConnection Connection => _connection;

    /// <summary>Off: the caller decides when to commit (one transaction for rows that must appear together).</summary>
    public bool AutoCommit { get; set; } = true;

    public void Insert<T>(T entity) where T : class
    {
        if (!_tables.TryGetValue(typeof(T), out var table)) _tables[typeof(T)] = table = Prepare(typeof(T));
        if (_transaction is null)
        {
            _transaction = _connection.BeginTransaction(deferred: false);
            foreach (var t in _tables.Values) t.Command.Transaction = _transaction;
        }
        table.Command.Transaction = _transaction;
        for (var i = 0; i < table.Columns.Length; i++)
        {
            var (property, converter) = table.Columns[i];
            var value = property.GetGetter().GetClrValueUsingContainingEntity(entity);
            if (converter is not null && value is not null) value = converter.ConvertToProvider(value);
            table.Command.Parameters[i].Value = value switch
            {
                null => DBNull.Value,
                // EF Core's SQLite provider stores a Guid as upper-case text; bind it the same way, so the service finds it.
                Guid g => g.ToString().ToUpperInvariant(),
                bool b => b ? 1 : 0,
                _ => value,
            };
        }
        table.Command.ExecuteNonQuery();
        Rows++;
        if (++_rowsInTransaction >= RowsPerTransaction && AutoCommit) Commit();
    }

    public void Commit()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        _transaction = null;
        _rowsInTransaction = 0;
    }

    public async Task<long> ScalarAsync(string sql)
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return Convert.ToInt64(await command.ExecuteScalarAsync() ?? 0L, System.Globalization.CultureInfo.InvariantCulture);
    }

    private Table Prepare(Type clrType)
    {
        var entityType = _model.FindEntityType(clrType) ?? throw new InvalidOperationException($"{clrType.Name} is not in this database's model.");
        var tableName = entityType.GetTableName()!;
        var store = StoreObjectIdentifier.Table(tableName, entityType.GetSchema());
        var columns = entityType.GetProperties()
            .Select(p => (Property: p, Converter: p.GetValueConverter() ?? p.GetTypeMapping().Converter))
            .ToArray();
        var command = _connection.CreateCommand();
        command.CommandText = $"INSERT INTO \"{tableName}\" ({string.Join(", ", columns.Select(c => $"\"{c.Property.GetColumnName(store)}\""))}) " +
                              $"VALUES ({string.Join(", ", columns.Select((_, i) => $"$p{i}"))})";
        for (var i = 0; i < columns.Length; i++) command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        return new Table(command, columns);
    }

    public async ValueTask DisposeAsync()
    {
        Commit();
        foreach (var table in _tables.Values) await table.Command.DisposeAsync();
        await _connection.DisposeAsync();
    }

    private sealed record Table(SqliteCommand Command, (IProperty Property, Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter? Converter)[] Columns);
}
