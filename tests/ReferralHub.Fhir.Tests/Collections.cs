using ReferralHub.Testing;

namespace ReferralHub.Fhir.Tests;

/// <summary>Tests in this collection share one real RabbitMQ broker and one real PostgreSQL server, and run one at a time.</summary>
[CollectionDefinition(TestCollections.Servers)]
public sealed class ServersCollection : ICollectionFixture<RabbitMqServer>, ICollectionFixture<PostgresServer>;
