namespace ReferralHub.Testing;

/// <summary>
/// Names for the xunit collections that share the server fixtures. xunit 2 only finds collection definitions in
/// the test assembly itself, so each test project declares them (two lines, see README.md) using these names.
/// </summary>
public static class TestCollections
{
    /// <summary>Tests that need a RabbitMQ broker: <c>[Collection(TestCollections.RabbitMq)]</c>.</summary>
    public const string RabbitMq = "rabbitmq";

    /// <summary>Tests that need a PostgreSQL server: <c>[Collection(TestCollections.Postgres)]</c>.</summary>
    public const string Postgres = "postgres";

    /// <summary>Tests that need both servers: <c>[Collection(TestCollections.Servers)]</c>.</summary>
    public const string Servers = "servers";
}
