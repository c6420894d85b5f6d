namespace ReferralHub.Testing;

/// <summary>
/// The one order in which every server fixture (<see cref="RabbitMqServer"/>, <see cref="PostgresServer"/>) finds its
/// server, so they cannot drift apart:
/// <list type="number">
/// <item>the environment variable, used as is;</item>
/// <item>Testcontainers, when a Docker engine answers (<see cref="HostTools.IsDockerAvailableAsync"/>); a container
/// that fails to start is noted and the chain goes on;</item>
/// <item>a throwaway server started from the binaries installed on this machine;</item>
/// <item>otherwise a failure that says what to install and what was checked. Never a skip.</item>
/// </list>
/// A fixture supplies only what is its own at each step. A server already running on its usual port is deliberately
/// not picked up: on a machine several people share it may be someone else's, and tests would write into it.
/// </summary>
public static class ServerChain
{
    /// <summary>What one fixture does at each step of the chain.</summary>
    /// <param name="EnvironmentVariable">Name of the variable that names an existing server.</param>
    /// <param name="UseEnvironment">Takes the variable's value (throws with an example when it is malformed).</param>
    /// <param name="Image">The image Testcontainers starts (for the notes).</param>
    /// <param name="StartContainerAsync">Starts the container and takes its address; throws when it cannot (it cleans up after itself).</param>
    /// <param name="FindLocal">The installed binaries' starter, or null after adding a note of what is missing.</param>
    /// <param name="InstallHint">What to install, or which variable to set, when nothing worked.</param>
    /// <param name="Log">The fixture's diagnostic log.</param>
    public sealed record Steps(
        string EnvironmentVariable,
        Action<string> UseEnvironment,
        string Image,
        Func<Task> StartContainerAsync,
        Func<List<string>, Func<Task>?> FindLocal,
        string InstallHint,
        Action<string> Log);

    /// <summary>Runs the chain; <paramref name="notes"/> receives why earlier steps were passed over.</summary>
    public static async Task<ServerSource> ResolveAsync(Steps steps, List<string> notes)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(steps.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            steps.UseEnvironment(fromEnvironment.Trim());
            return ServerSource.Environment;
        }

        var docker = await HostTools.IsDockerAvailableAsync().ConfigureAwait(false);
        if (!docker.Available)
        {
            notes.Add("Testcontainers skipped: " + docker.Description);
        }
        else
        {
            try
            {
                await steps.StartContainerAsync().ConfigureAwait(false);
                return ServerSource.Container;
            }
            catch (Exception ex)
            {
                // Docker answered but could not run the image (e.g. no registry access): go on to the local binaries.
                notes.Add($"Testcontainers failed on {docker.Description}: {ex.GetType().Name}: {ex.Message}");
                steps.Log($"Testcontainers could not start {steps.Image}: {ex.Message}; trying the local binaries.");
            }
        }

        if (steps.FindLocal(notes) is { } startLocalAsync)
        {
            await startLocalAsync().ConfigureAwait(false);
            return ServerSource.LocalProcess;
        }

        throw new InvalidOperationException($"{steps.InstallHint}\nChecked: {string.Join("; ", notes)}.");
    }
}
