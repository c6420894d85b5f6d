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
}
