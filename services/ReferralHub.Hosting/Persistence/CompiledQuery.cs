using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;

namespace ReferralHub.Hosting.Persistence;

/// <summary>
/// A compiled query (<c>EF.CompileAsyncQuery</c>) for a hot path, compiled once per EF model. Why per model: EF binds a
/// compiled query to the provider and model of the first context it ran on, and one process may hold several models of
/// one context type (a SQLite and a PostgreSQL context in the tests, several hosts): the second then ran the first's SQL.
/// Why compiled at all: on these paths EF's per-call work on a LINQ query (parameter extraction, hashing the expression
/// tree to find its cached plan) cost as much as the statement itself (issue 17's profile).
/// </summary>
public sealed class CompiledQuery<TQuery>(Func<TQuery> compile) where TQuery : class
{
    private readonly ConditionalWeakTable<IModel, TQuery> _byModel = [];

    public TQuery For(DbContext db) => _byModel.GetValue(db.Model, _ => compile());
}
