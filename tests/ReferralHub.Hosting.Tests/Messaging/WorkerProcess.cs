using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using ReferralHub.Reliability.Worker;

namespace ReferralHub.Hosting.Tests.Messaging;

/// <summary>The reliability worker as a separate OS process, so a test can kill it the hard way (SIGKILL) and start it again.</summary>
public sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly Queue<string> _lastLines = new();

    private WorkerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Remember(e.Data);
        process.ErrorDataReceived += (_, e) => Remember(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public static WorkerProcess Start(Dictionary<string, string?> settings, int produce = 0)
    {
        var worker = typeof(ReliabilityModule).Assembly.Location;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(worker);
        if (produce > 0)
        {
            start.ArgumentList.Add("--produce");
            start.ArgumentList.Add(produce.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        foreach (var (key, value) in settings) start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        return new WorkerProcess(Process.Start(start) ?? throw new InvalidOperationException("could not start the reliability worker"));
    }

    public bool HasExited => _process.HasExited;

    public string RecentOutput
    {
        get { lock (_lastLines) return string.Join(Environment.NewLine, _lastLines); }
    }

    /// <summary>SIGKILL: no shutdown hooks, no flushing, exactly like a power cut or an OOM kill.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited) KillHard();
        _process.Dispose();
    }

    private void Remember(string? line)
    {
        if (line is null) return;
        lock (_lastLines)
        {
            _lastLines.Enqueue(line);
            while (_lastLines.Count > 50) _lastLines.Dequeue();
        }
    }
}

/// <summary>Opens the worker's database from the test process, without the bus: to observe, or to commit without publishing.</summary>
public static class WorkerDatabase
{
    public static ReliabilityDbContext Open(Dictionary<string, string?> settings)
    {
        if (settings.TryGetValue("ConnectionStrings:reliability", out var postgres) && postgres is not null)
            return new PostgresReliabilityDbContext(new DbContextOptionsBuilder<PostgresReliabilityDbContext>().UseNpgsql(postgres).Options);
        var file = Path.Combine(settings["Storage:DataDirectory"]!, $"{ReliabilityDbContext.Name}.db");
        return new SqliteReliabilityDbContext(new DbContextOptionsBuilder<SqliteReliabilityDbContext>().UseSqlite($"Data Source={file}").Options);
    }

    public static async Task<int> CountAsync(Dictionary<string, string?> settings, Func<IQueryable<WorkRequest>, IQueryable<WorkRequest>>? filter = null)
    {
        await using var db = Open(settings);
        if (!await db.Database.CanConnectAsync()) return 0;
        try { return await (filter ?? (q => q)).Invoke(db.Requests).CountAsync(); }
        catch (Exception ex) when (ex is Microsoft.Data.Sqlite.SqliteException or Npgsql.PostgresException) { return 0; } // tables not created yet
    }

    public static async Task<Dictionary<long, int>> EffectsPerRequestAsync(Dictionary<string, string?> settings)
    {
        await using var db = Open(settings);
        var committed = await db.Requests.Select(r => r.Id).ToListAsync();
        var effects = await db.Effects.GroupBy(e => e.RequestId).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count);
        return committed.ToDictionary(id => id, id => effects.GetValueOrDefault(id));
    }
}
