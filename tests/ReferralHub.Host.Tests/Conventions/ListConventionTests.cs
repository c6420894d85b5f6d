using ReferralHub.Host.Tests.Hostile;
using ReferralHub.Testing.Hub;

namespace ReferralHub.Host.Tests.Conventions;

/// <summary>
/// Every list of the REST API is a page, <c>{ items, nextCursor }</c> (docs/api-conventions.md, Lists): an
/// <c>/api/v1</c> GET whose 200 body is a bare array fails here, so a new list cannot slip back to the old shape.
/// </summary>
public sealed class ListConventionTests(EmbeddedHubFactory hub) : IClassFixture<EmbeddedHubFactory>
{
    /// <summary>Lists not made pages yet (docs/api-conventions.md, "Not yet uniform"); this only ever shrinks.</summary>
    private static readonly HashSet<string> NotYetUniform =
    [
        "/api/v1/agency/clients",
        "/api/v1/directory/areas/{code}/history",
        "/api/v1/directory/organisations/{id}/history",
        "/api/v1/directory/services",
        "/api/v1/directory/services/{id}/history",
        "/api/v1/directory/pathways",
        "/api/v1/directory/pathways/{id}/history",
        "/api/v1/directory/stale",
        "/api/v1/transfers/escalations",
        "/api/v1/transfers/{id}/releases",
    ];

    [Fact]
    public async Task No_api_list_answers_a_bare_array()
    {
        var (operations, document) = await OpenApiOperations.ReadAsync(hub);
        var gets = operations.Where(o => o.Method == "GET" && o.Template.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();

        var bare = new List<string>();
        var pages = 0;
        foreach (var operation in gets)
        {
            var content = document["paths"]![operation.Template]!["get"]!["responses"]?["200"]?["content"]?.AsObject();
            foreach (var (_, body) in content ?? [])
            {
                var schema = OpenApiOperations.Resolve(document, body?["schema"]);
                if (OpenApiOperations.TypeOf(schema) == "array") bare.Add(operation.Template);
                else if (schema?["properties"]?["items"] is not null && schema["properties"]?["nextCursor"] is not null) pages++;
            }
        }

        var unexpected = bare.Where(t => !NotYetUniform.Contains(t)).Distinct().ToList();
        Assert.True(unexpected.Count == 0,
            $"these GETs answer a bare array; answer Page<T> ({{ items, nextCursor }}, Hosting/Web/Paging):\n{string.Join("\n", unexpected)}");
        var fixedAlready = NotYetUniform.Where(t => gets.Any(g => g.Template == t) && !bare.Contains(t)).ToList();
        Assert.True(fixedAlready.Count == 0, $"now pages, take them off NotYetUniform:\n{string.Join("\n", fixedAlready)}");
        Assert.True(pages >= 10, $"the document lists the paged lists ({pages})");
    }
}
