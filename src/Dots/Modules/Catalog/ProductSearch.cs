using System.Globalization;
using System.Text;
using Dots.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Dots.Modules.Catalog;

public sealed record SearchHit(string ProductId, double Rank);

/// <summary>
/// Full-text product search on the database's own engine: SQLite FTS5 (bm25) or PostgreSQL tsvector (ts_rank).
/// Every word must match, each as a prefix ("choc" finds "chocolate"); titles weigh more than descriptions.
/// The index itself is kept in step by the database (triggers / a generated column) created in the migrations.
/// </summary>
public interface IProductSearch
{
    Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, CancellationToken ct);
}

internal sealed class ProductSearch(DotsDbContext db) : IProductSearch
{
    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string query, int limit, CancellationToken ct)
    {
        var words = Words(query);
        if (words.Count == 0)
        {
            return [];
        }

        if (db.Provider == DatabaseProvider.Sqlite)
        {
            // FTS5: each word quoted (no operator injection) and starred for prefix match; juxtaposition is AND.
            var match = string.Join(' ', words.Select(w => $"\"{w}\"*"));
            return await db.Database.SqlQuery<SearchHit>($"""
                SELECT product_id AS "ProductId", -bm25(product_fts, 0.0, 10.0, 10.0, 4.0, 1.0, 1.0) AS "Rank"
                FROM product_fts WHERE product_fts MATCH {match}
                ORDER BY bm25(product_fts, 0.0, 10.0, 10.0, 4.0, 1.0, 1.0) LIMIT {limit}
                """).ToListAsync(ct);
        }

        var tsQuery = string.Join(" & ", words.Select(w => w + ":*"));
        // Weights for D, C, B, A: title (A) counts ten times the description (C).
        return await db.Database.SqlQuery<SearchHit>($$"""
            SELECT p."Id" AS "ProductId", ts_rank('{0.05, 0.1, 0.4, 1.0}', p.search_vector, q)::float8 AS "Rank"
            FROM "Products" p, to_tsquery('simple', {{tsQuery}}) q
            WHERE p.search_vector @@ q
            ORDER BY 2 DESC LIMIT {{limit}}
            """).ToListAsync(ct);
    }

    /// <summary>Letters and digits of any script, lower-cased; everything else separates words.</summary>
    internal static List<string> Words(string query)
    {
        var words = new List<string>();
        var current = new StringBuilder();
        foreach (var ch in query.Normalize(NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(ch))
            {
                current.Append(char.ToLower(ch, CultureInfo.InvariantCulture));
            }
            else if (current.Length > 0)
            {
                words.Add(current.ToString());
                current.Clear();
            }
        }
        if (current.Length > 0)
        {
            words.Add(current.ToString());
        }
        return words.Take(12).ToList();
    }
}
