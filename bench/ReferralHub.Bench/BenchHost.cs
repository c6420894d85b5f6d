namespace ReferralHub.Bench;

public static class BenchHost
{
    /// <summary>WebApplicationFactory finds the host's folder from a test assembly's metadata; a bench exe tells it directly.</summary>
    public static void UseHostContentRoot()
    {
        const string variable = "ASPNETCORE_TEST_CONTENTROOT_REFERRALHUB_HOST";
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable(variable))) return;
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "ReferralHub.sln"))) folder = folder.Parent;
        if (folder is null) throw new InvalidOperationException("Run the bench from inside the repository.");
        Environment.SetEnvironmentVariable(variable, Path.Combine(folder.FullName, "services", "ReferralHub.Host"));
    }

    /// <summary>The machine's 1, 5 and 15 minute load averages (a bench on a shared machine says how busy it was).</summary>
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
}
