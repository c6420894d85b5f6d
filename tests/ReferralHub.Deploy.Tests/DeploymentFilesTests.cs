using ReferralHub.Testing;

namespace ReferralHub.Deploy.Tests;

/// <summary>
/// The deployment files cannot run here (no cluster, no Docker engine), so they are checked statically, as CI does:
/// every Kubernetes overlay renders with <c>kubectl kustomize</c> (after <c>make-secrets.sh</c>, as an operator would)
/// and validates offline against the Kubernetes API schemas plus the hub's own rules (deploy/check/validate.mjs);
/// the compose file parses with <c>docker-compose config</c>. A missing tool fails the test saying what to install.
/// </summary>
public sealed class DeploymentFilesTests
{
    private static readonly string Root = RepositoryRoot();

    [Theory]
    [InlineData("trial")]
    [InlineData("production")]
    public async Task Every_overlay_renders_and_passes_the_offline_schema_validation(string overlay)
    {
        var work = CopyOf(Path.Combine(Root, "deploy", "k8s"));
        try
        {
            await RunAsync("bash", [Path.Combine(work, "make-secrets.sh"), overlay, work], "openssl (apt-get install -y openssl)");
            var rendered = await RunAsync("kubectl", ["kustomize", Path.Combine(work, "overlays", overlay)], "kubectl (kustomize is built in)");
            var file = Path.Combine(work, $"{overlay}.yaml");
            await File.WriteAllTextAsync(file, rendered.StandardOutput);

            var validation = await RunAsync("node", [await ValidatorAsync(), file], "nodejs and npm", throwOnError: false);

            Assert.True(validation.Succeeded, $"{overlay} overlay:\n{validation.StandardOutput}{validation.StandardError}");
            Assert.Contains("failed 0", validation.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("Deployment", rendered.StandardOutput, StringComparison.Ordinal);
            // No secret value is committed: an overlay's secrets come from make-secrets.sh (git-ignored).
            var tracked = await RunAsync("git", ["-C", Root, "ls-files", Path.Combine("deploy", "k8s", "overlays", overlay, "secrets")], "git");
            Assert.Equal("", tracked.StandardOutput.Trim());
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task The_validator_refuses_a_manifest_that_breaks_the_schema_or_the_hubs_rules()
    {
        var work = Directory.CreateTempSubdirectory("referralhub-deploy-bad-").FullName;
        try
        {
            var file = Path.Combine(work, "bad.yaml");
            await File.WriteAllTextAsync(file, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: gateway}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: gateway}}
                  template:
                    metadata: {labels: {app: gateway}}
                    spec:
                      containers:
                      - name: gateway
                        image: referralhub/gateway
                        ports: [{containerPort: "eighty"}]
                """);

            var validation = await RunAsync("node", [await ValidatorAsync(), file], "nodejs and npm", throwOnError: false);

            Assert.False(validation.Succeeded);
            Assert.Contains("containerPort must be integer", validation.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("fewer than 2 replicas", validation.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("no readinessProbe on /health", validation.StandardOutput, StringComparison.Ordinal);
            Assert.Contains("no PodDisruptionBudget", validation.StandardOutput, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    [Fact]
    public async Task The_compose_file_is_valid_for_docker_compose_with_every_service_and_both_engines()
    {
        var work = Directory.CreateTempSubdirectory("referralhub-compose-").FullName;
        try
        {
            var deploy = Directory.CreateDirectory(Path.Combine(work, "deploy")).FullName;
            foreach (var name in new[] { "compose.yaml", "Dockerfile", "compose-secrets.sh" })
                File.Copy(Path.Combine(Root, "deploy", name), Path.Combine(deploy, name));
            await RunAsync("bash", [Path.Combine(deploy, "compose-secrets.sh"), deploy], "openssl (apt-get install -y openssl)");
            string[] compose = ["--env-file", Path.Combine(deploy, "compose.env"), "-f", Path.Combine(deploy, "compose.yaml")];

            await RunAsync("docker-compose", [.. compose, "config", "-q"], "docker-compose (apt-get install -y docker-compose)");
            var services = await RunAsync("docker-compose", [.. compose, "config", "--services"], "docker-compose (apt-get install -y docker-compose)");

            Assert.Equal(
                ["consent", "directory", "fhir", "gateway", "portal", "postgres", "rabbitmq", "referrals", "transfers"],
                services.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal));
            var config = (await RunAsync("docker-compose", [.. compose, "config"], "docker-compose")).StandardOutput;
            Assert.Contains("ASPNETCORE_ENVIRONMENT: Production", config, StringComparison.Ordinal);
            Assert.DoesNotContain("agency-a-secret", config, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>deploy/check/validate.mjs, its npm packages installed from the lock file when missing.</summary>
    private static async Task<string> ValidatorAsync()
    {
        var check = Path.Combine(Root, "deploy", "check");
        if (!Directory.Exists(Path.Combine(check, "node_modules", "kubernetes-models")))
            await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--prefix", check], "nodejs and npm (the npm registry must be reachable once)", timeout: TimeSpan.FromMinutes(5));
        return Path.Combine(check, "validate.mjs");
    }

    private static async Task<ProcessResult> RunAsync(string tool, string[] arguments, string install, bool throwOnError = true, TimeSpan? timeout = null)
    {
        try
        {
            return await ProcessRunner.RunAsync(tool, arguments, timeout: timeout ?? TimeSpan.FromMinutes(2), throwOnError: throwOnError);
        }
        catch (ProcessRunnerException ex) when (ex.Result is null)
        {
            throw new InvalidOperationException($"'{tool}' could not run: install {install}.", ex);
        }
    }

    private static string CopyOf(string folder)
    {
        var copy = Directory.CreateTempSubdirectory("referralhub-k8s-").FullName;
        foreach (var file in Directory.GetFiles(folder, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(folder, file);
            if (relative.Split(Path.DirectorySeparatorChar).Contains("secrets")) continue; // an operator's own secrets stay out
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(copy, relative))!);
            File.Copy(file, Path.Combine(copy, relative));
        }
        return copy;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ReferralHub.sln"))) return dir.FullName;
        throw new InvalidOperationException("ReferralHub.sln not found above the test's folder.");
    }
}
