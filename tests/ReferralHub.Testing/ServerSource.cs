namespace ReferralHub.Testing;

/// <summary>Where a fixture's server came from.</summary>
public enum ServerSource
{
    /// <summary>Given by an environment variable (REFERRALHUB_RABBITMQ / REFERRALHUB_POSTGRES); used as is.</summary>
    Environment,

    /// <summary>Started with Testcontainers on a Docker engine that answered.</summary>
    Container,

    /// <summary>Started by the fixture from binaries on this machine, in a temporary directory.</summary>
    LocalProcess,
}
