using Dots.Infrastructure;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Events;
using Dots.Modules.Catalog;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Modules.CoCreation;

/// <summary>Ideas and their community: submitting, the board, votes, follows, comments, reports and moderation.</summary>
public sealed class IdeaService(DotsDbContext db, CatalogService catalog, IEventPublisher events, TimeProvider clock, IOptions<CoCreationOptions> options)
{
    private static readonly string[] Sorts = ["trending", "new", "top"];
    private readonly CoCreationOptions _options = options.Value;

    private IQueryable<Idea> Ideas => db.Set<Idea>().AsNoTracking();

    public async Task<IdeaDto> SubmitAsync(string userId, string authorName, SubmitIdeaRequest request, CancellationToken ct)
    {
        var price = await ValidateAsync(request.Title, request.Description, request.Category, request.TargetPrice, ct);
        var now = clock.GetUtcNow();
        var idea = new Idea
        {
            Id = Ids.New(), AuthorId = userId, AuthorName = authorName, Title = request.Title!.Trim(), Description = request.Description?.Trim() ?? "",
            Category = request.Category!, TargetPrice = price.Amount, Currency = price.Currency, Status = IdeaStatus.Open, CreatedAt = now, UpdatedAt = now,
        };
        db.Set<Idea>().Add(idea);
        db.Set<IdeaFollow>().Add(new IdeaFollow { IdeaId = idea.Id, UserId = userId, At = now });
        events.Publish(db, new IdeaSubmitted(idea.Id, userId, idea.Title, idea.Category, now));
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await GetAsync(idea.Id, userId, false, ct);
    }

    /// <summary>The author edits the idea until a campaign starts (409 afterwards); 403 for anyone else.</summary>
    public async Task<IdeaDto> UpdateAsync(string ideaId, string userId, UpdateIdeaRequest request, CancellationToken ct)
    {
        var idea = await db.Set<Idea>().FirstOrDefaultAsync(i => i.Id == ideaId && !i.Hidden, ct) ?? throw IdeaNotFound(ideaId);
        if (idea.AuthorId != userId)
        {
            throw new ForbiddenException("Only the idea's author can edit it.");
        }
        if (idea.Status != IdeaStatus.Open)
        {
            throw new ConflictException("The idea has a campaign; it can no longer be edited.");
        }
        var price = await ValidateAsync(request.Title ?? idea.Title, request.Description ?? idea.Description, request.Category ?? idea.Category,
            request.TargetPrice ?? MoneyDto.Of(idea.TargetPrice, idea.Currency), ct);
        idea.Title = (request.Title ?? idea.Title).Trim();
        idea.Description = (request.Description ?? idea.Description).Trim();
        idea.Category = request.Category ?? idea.Category;
        idea.TargetPrice = price.Amount;
        idea.Currency = price.Currency;
        idea.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        db.ChangeTracker.Clear();
        return await GetAsync(ideaId, userId, false, ct);
    }

    private async Task<MoneyDto> ValidateAsync(string? title, string? description, string? category, MoneyDto? targetPrice, CancellationToken ct)
    {
        var v = new Validation();
        v.RequireText(title, "title", 200)
            .Require((description?.Length ?? 0) <= 5000, "description", "The description must be at most 5000 characters.");
        if (string.IsNullOrWhiteSpace(category))
        {
            v.Add("category", "The category is required.");
        }
        else if (!(await catalog.CategoriesAsync(ct)).Any(c => c.Slug == category))
        {
            v.Add("category", $"Unknown category '{category}'; use a slug from GET /api/categories.");
        }
        if (targetPrice is null)
        {
            v.Add("targetPrice", "The target price is required.");
        }
        else
        {
            v.Require(targetPrice.Amount > 0 && targetPrice.Amount <= 1_000_000_000m, "targetPrice.amount", "The target price must be more than 0 and at most 1,000,000,000.")
                .Require(Currencies.IsKnown(targetPrice.Currency), "targetPrice.currency", "Unknown currency.")
                .Require(!Currencies.IsKnown(targetPrice.Currency) || Currencies.FitsMinorUnit(targetPrice.Amount, targetPrice.Currency), "targetPrice.amount", "The amount does not fit the currency's minor unit.");
        }
        v.ThrowIfInvalid();
        return targetPrice!;
    }

    /// <summary>
    /// The board: <c>trending</c> (votes weighted by recency: each vote counts ½ per <c>CoCreation:TrendingHalfLife</c> of
    /// its age, a "hot" ranking), <c>new</c> or <c>top</c> (most votes); filtered by category and status.
    /// </summary>
    public async Task<Paged<IdeaSummaryDto>> ListAsync(string? sort, string? category, string? status, string? q, int? page, int? pageSize, CancellationToken ct)
    {
        var (p, s) = Paging.Normalize(page, pageSize);
        sort = string.IsNullOrWhiteSpace(sort) ? "trending" : sort.Trim().ToLowerInvariant();
        var v = new Validation().Require(Sorts.Contains(sort), "sort", "The sort must be trending, new or top.");
        IdeaStatus? statusFilter = null;
        if (!string.IsNullOrWhiteSpace(status))
        {
            if (Enum.TryParse<IdeaStatus>(status, true, out var parsed))
            {
                statusFilter = parsed;
            }
            else
            {
                v.Add("status", "The status must be Open, InCampaign, InProduction or OnSale.");
            }
        }
        v.ThrowIfInvalid();
        var query = Ideas.Where(i => !i.Hidden);
        if (!string.IsNullOrWhiteSpace(category))
        {
            query = query.Where(i => i.Category == category);
        }
        if (statusFilter is { } st)
        {
            query = query.Where(i => i.Status == st);
        }
        if (!string.IsNullOrWhiteSpace(q))
        {
            var term = q.Trim().ToLower();
            query = query.Where(i => i.Title.ToLower().Contains(term) || i.Description.ToLower().Contains(term));
        }
        var total = await query.CountAsync(ct);
        List<Idea> items;
        Dictionary<string, double> scores;
        if (sort == "trending")
        {
            // Scored in memory: a vote's weight depends on its age now. Votes older than ten half-lives weigh < 0.1%.
            var candidates = await query.ToListAsync(ct);
            scores = await TrendingScoresAsync(candidates.Select(i => i.Id).ToList(), ct);
            items = candidates.OrderByDescending(i => scores.GetValueOrDefault(i.Id)).ThenByDescending(i => i.CreatedAt).ThenBy(i => i.Id, StringComparer.Ordinal)
                .Skip((p - 1) * s).Take(s).ToList();
        }
        else
        {
            var ordered = sort == "new"
                ? query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id)
                : query.OrderByDescending(i => i.Votes).ThenByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id);
            items = await ordered.Skip((p - 1) * s).Take(s).ToListAsync(ct);
            scores = await TrendingScoresAsync(items.Select(i => i.Id).ToList(), ct);
        }
        return new Paged<IdeaSummaryDto>(items.Select(i => Summary(i, scores.GetValueOrDefault(i.Id))).ToList(), total, p, s);
    }

    private async Task<Dictionary<string, double>> TrendingScoresAsync(List<string> ideaIds, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var halfLife = _options.TrendingHalfLife.TotalHours;
        var since = now - TimeSpan.FromHours(halfLife * 10);
        var votes = await db.Set<IdeaVote>().AsNoTracking().Where(x => ideaIds.Contains(x.IdeaId) && x.At >= since).Select(x => new { x.IdeaId, x.At }).ToListAsync(ct);
        return votes.GroupBy(x => x.IdeaId).ToDictionary(g => g.Key,
            g => Math.Round(g.Sum(x => Math.Pow(0.5, Math.Max(0, (now - x.At).TotalHours) / halfLife)), 3), StringComparer.Ordinal);
    }

    internal static IdeaSummaryDto Summary(Idea i, double trending) => new(
        i.Id, i.Title, i.Category, i.Status.ToString(), i.Votes, i.Comments, i.AuthorId, i.AuthorName, MoneyDto.Of(i.TargetPrice, i.Currency), i.CampaignId,
        i.CreatedAt, trending);

    /// <summary>An idea with its proposals. A hidden idea is visible to its author and operators only (404 for everyone else).</summary>
    public async Task<IdeaDto> GetAsync(string ideaId, string? userId, bool isOperator, CancellationToken ct)
    {
        var idea = await Ideas.FirstOrDefaultAsync(i => i.Id == ideaId, ct) ?? throw IdeaNotFound(ideaId);
        if (idea.Hidden && !isOperator && idea.AuthorId != userId)
        {
            throw IdeaNotFound(ideaId);
        }
        var proposals = await db.Set<Proposal>().AsNoTracking().Where(x => x.IdeaId == ideaId).ToListAsync(ct);
        var followers = await db.Set<IdeaFollow>().CountAsync(f => f.IdeaId == ideaId, ct);
        var voted = userId is not null && await db.Set<IdeaVote>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct);
        var following = userId is not null && await db.Set<IdeaFollow>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct);
        return new IdeaDto(idea.Id, idea.Title, idea.Description, idea.Category, MoneyDto.Of(idea.TargetPrice, idea.Currency), idea.Status.ToString(),
            idea.Votes, idea.Comments, followers, idea.AuthorId, idea.AuthorName, idea.Hidden, voted, following, idea.CampaignId, idea.ProductId,
            proposals.OrderBy(x => x.CreatedAt).ThenBy(x => x.Id, StringComparer.Ordinal).Select(ToDto).ToList(), idea.CreatedAt, idea.UpdatedAt);
    }

    internal static ProposalDto ToDto(Proposal x) => new(
        x.Id, x.IdeaId, x.ShopId, x.ShopName, MoneyDto.Of(x.UnitPrice, x.Currency), x.MinimumUnits, x.LeadTimeDays, x.Note, x.Status.ToString(), x.CreatedAt);

    /// <summary>One vote per user: voting again changes nothing. The count moves in the same transaction as the vote row.</summary>
    public async Task<VoteDto> VoteAsync(string ideaId, string userId, CancellationToken ct)
    {
        var idea = await VisibleAsync(ideaId, ct);
        if (!await db.Set<IdeaVote>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct))
        {
            var now = clock.GetUtcNow();
            try
            {
                await using var tx = await db.Database.BeginTransactionAsync(ct);
                db.Set<IdeaVote>().Add(new IdeaVote { IdeaId = ideaId, UserId = userId, At = now });
                await db.SaveChangesAsync(ct);
                await db.Set<Idea>().Where(i => i.Id == ideaId).ExecuteUpdateAsync(u => u.SetProperty(i => i.Votes, i => i.Votes + 1), ct);
                var votes = await Ideas.Where(i => i.Id == ideaId).Select(i => i.Votes).FirstAsync(ct);
                events.Publish(db, new IdeaVoted(ideaId, idea.AuthorId, userId, false, votes, now));
                await db.SaveChangesAsync(ct);
                await tx.CommitAsync(ct);
            }
            catch (DbUpdateException)
            {
                // The same user's racing vote got there first: one vote it is.
            }
            db.ChangeTracker.Clear();
        }
        return await VoteStateAsync(ideaId, userId, ct);
    }

    public async Task<VoteDto> WithdrawVoteAsync(string ideaId, string userId, CancellationToken ct)
    {
        var idea = await VisibleAsync(ideaId, ct);
        await using (var tx = await db.Database.BeginTransactionAsync(ct))
        {
            var removed = await db.Set<IdeaVote>().Where(x => x.IdeaId == ideaId && x.UserId == userId).ExecuteDeleteAsync(ct);
            if (removed > 0)
            {
                await db.Set<Idea>().Where(i => i.Id == ideaId).ExecuteUpdateAsync(u => u.SetProperty(i => i.Votes, i => i.Votes - removed), ct);
                var votes = await Ideas.Where(i => i.Id == ideaId).Select(i => i.Votes).FirstAsync(ct);
                events.Publish(db, new IdeaVoted(ideaId, idea.AuthorId, userId, true, votes, clock.GetUtcNow()));
                await db.SaveChangesAsync(ct);
            }
            await tx.CommitAsync(ct);
        }
        db.ChangeTracker.Clear();
        return await VoteStateAsync(ideaId, userId, ct);
    }

    private async Task<VoteDto> VoteStateAsync(string ideaId, string userId, CancellationToken ct) => new(
        ideaId, await Ideas.Where(i => i.Id == ideaId).Select(i => i.Votes).FirstAsync(ct),
        await db.Set<IdeaVote>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct));

    public async Task<FollowDto> FollowAsync(string ideaId, string userId, bool follow, CancellationToken ct)
    {
        await VisibleAsync(ideaId, ct);
        var exists = await db.Set<IdeaFollow>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct);
        if (follow && !exists)
        {
            db.Set<IdeaFollow>().Add(new IdeaFollow { IdeaId = ideaId, UserId = userId, At = clock.GetUtcNow() });
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Already following (a racing request).
            }
            db.ChangeTracker.Clear();
        }
        else if (!follow && exists)
        {
            await db.Set<IdeaFollow>().Where(x => x.IdeaId == ideaId && x.UserId == userId).ExecuteDeleteAsync(ct);
        }
        return new FollowDto(ideaId, await db.Set<IdeaFollow>().CountAsync(x => x.IdeaId == ideaId, ct),
            await db.Set<IdeaFollow>().AnyAsync(x => x.IdeaId == ideaId && x.UserId == userId, ct));
    }

    internal Task<List<string>> FollowerIdsAsync(string ideaId, CancellationToken ct) =>
        db.Set<IdeaFollow>().AsNoTracking().Where(x => x.IdeaId == ideaId).Select(x => x.UserId).ToListAsync(ct);

    public async Task<CommentDto> CommentAsync(string ideaId, string userId, string userName, CommentRequest request, CancellationToken ct)
    {
        var idea = await VisibleAsync(ideaId, ct);
        var v = new Validation().RequireText(request.Body, "body", 2000);
        if (!string.IsNullOrWhiteSpace(request.ParentId) && !await db.Set<IdeaComment>().AnyAsync(c => c.Id == request.ParentId && c.IdeaId == ideaId, ct))
        {
            v.Add("parentId", "No comment with this id on this idea.");
        }
        v.ThrowIfInvalid();
        var now = clock.GetUtcNow();
        var comment = new IdeaComment
        {
            Id = Ids.New(), IdeaId = ideaId, ParentId = string.IsNullOrWhiteSpace(request.ParentId) ? null : request.ParentId, AuthorId = userId,
            AuthorName = userName, Body = request.Body!.Trim(), At = now,
        };
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Set<IdeaComment>().Add(comment);
        events.Publish(db, new IdeaCommented(ideaId, idea.Title, idea.AuthorId, comment.Id, userId, comment.ParentId, now));
        await db.SaveChangesAsync(ct);
        await db.Set<Idea>().Where(i => i.Id == ideaId).ExecuteUpdateAsync(u => u.SetProperty(i => i.Comments, i => i.Comments + 1), ct);
        await tx.CommitAsync(ct);
        db.ChangeTracker.Clear();
        return ToDto(comment);
    }

    /// <summary>The thread, oldest first; hidden comments are shown to operators only (others see nothing of them).</summary>
    public async Task<IReadOnlyList<CommentDto>> CommentsAsync(string ideaId, string? userId, bool isOperator, CancellationToken ct)
    {
        await GetAsync(ideaId, userId, isOperator, ct);
        var comments = await db.Set<IdeaComment>().AsNoTracking().Where(c => c.IdeaId == ideaId && (isOperator || !c.Hidden)).ToListAsync(ct);
        return comments.OrderBy(c => c.At).ThenBy(c => c.Id, StringComparer.Ordinal).Select(ToDto).ToList();
    }

    private static CommentDto ToDto(IdeaComment c) => new(c.Id, c.IdeaId, c.ParentId, c.AuthorId, c.AuthorName, c.Body, c.Hidden, c.At);

    /// <summary>A user reports an idea or a comment for the operators; reporting the same thing twice is one report.</summary>
    public async Task ReportAsync(string kind, string targetId, string userId, ReportRequest request, CancellationToken ct)
    {
        new Validation().Require((request.Reason?.Length ?? 0) <= 500, "reason", "The reason must be at most 500 characters.").ThrowIfInvalid();
        var exists = kind == "idea"
            ? await db.Set<Idea>().AnyAsync(i => i.Id == targetId && !i.Hidden, ct)
            : await db.Set<IdeaComment>().AnyAsync(c => c.Id == targetId && !c.Hidden, ct);
        if (!exists)
        {
            throw new NotFoundException($"No {kind} with id '{targetId}'.");
        }
        if (await db.Set<ContentReport>().AnyAsync(r => r.TargetId == targetId && r.ReporterId == userId, ct))
        {
            return;
        }
        db.Set<ContentReport>().Add(new ContentReport { Id = Ids.New(), TargetKind = kind, TargetId = targetId, ReporterId = userId, Reason = request.Reason?.Trim() ?? "", At = clock.GetUtcNow() });
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Reported already (a racing request).
        }
        db.ChangeTracker.Clear();
    }

    /// <summary>Reported ideas and comments, most reported first (operators).</summary>
    public async Task<IReadOnlyList<ReportedItemDto>> ReportsAsync(CancellationToken ct)
    {
        var reports = await db.Set<ContentReport>().AsNoTracking().ToListAsync(ct);
        var ideaIds = reports.Where(r => r.TargetKind == "idea").Select(r => r.TargetId).Distinct().ToList();
        var commentIds = reports.Where(r => r.TargetKind == "comment").Select(r => r.TargetId).Distinct().ToList();
        var ideas = await Ideas.Where(i => ideaIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, ct);
        var comments = await db.Set<IdeaComment>().AsNoTracking().Where(c => commentIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, ct);
        return reports.GroupBy(r => (r.TargetKind, r.TargetId)).Select(g =>
        {
            var (text, ideaId, hidden) = g.Key.TargetKind == "idea"
                ? ideas.TryGetValue(g.Key.TargetId, out var i) ? (i.Title, i.Id, i.Hidden) : ("", "", true)
                : comments.TryGetValue(g.Key.TargetId, out var c) ? (c.Body, c.IdeaId, c.Hidden) : ("", "", true);
            return new ReportedItemDto(g.Key.TargetKind, g.Key.TargetId, ideaId, text, g.Count(), hidden, g.Select(r => r.Reason).Where(r => r.Length > 0).Take(5).ToList());
        }).OrderByDescending(r => r.Reports).ToList();
    }

    /// <summary>An operator hides (or shows again) an idea or a comment.</summary>
    public async Task SetHiddenAsync(string kind, string targetId, bool hidden, CancellationToken ct)
    {
        var changed = kind == "idea"
            ? await db.Set<Idea>().Where(i => i.Id == targetId).ExecuteUpdateAsync(u => u.SetProperty(i => i.Hidden, hidden), ct)
            : await db.Set<IdeaComment>().Where(c => c.Id == targetId).ExecuteUpdateAsync(u => u.SetProperty(c => c.Hidden, hidden), ct);
        if (changed == 0)
        {
            throw new NotFoundException($"No {kind} with id '{targetId}'.");
        }
    }

    /// <summary>
    /// Ideas whose title resembles <paramref name="title"/> (character-trigram Jaccard similarity, so it works for Korean
    /// as well as English), for the submit form's "has someone had this idea already?" hints.
    /// </summary>
    public async Task<IReadOnlyList<SimilarIdeaDto>> SimilarAsync(string? title, int? limit, CancellationToken ct)
    {
        new Validation().Require((title?.Length ?? 0) <= 200, "title", "The title must be at most 200 characters.")
            .Require(limit is null or (>= 1 and <= 20), "limit", "The limit must be between 1 and 20.").ThrowIfInvalid();
        var wanted = Trigrams(title ?? "");
        if (wanted.Count == 0)
        {
            return [];
        }
        var candidates = await Ideas.Where(i => !i.Hidden).OrderByDescending(i => i.CreatedAt).Take(2000)
            .Select(i => new { i.Id, i.Title, i.Status, i.Votes }).ToListAsync(ct);
        return candidates.Select(c =>
            {
                var grams = Trigrams(c.Title);
                var common = grams.Count(wanted.Contains);
                var similarity = common == 0 ? 0 : (double)common / (grams.Count + wanted.Count - common);
                return new SimilarIdeaDto(c.Id, c.Title, c.Status.ToString(), c.Votes, Math.Round(similarity, 3));
            })
            .Where(x => x.Similarity >= 0.2).OrderByDescending(x => x.Similarity).ThenByDescending(x => x.Votes).Take(Math.Clamp(limit ?? 5, 1, 20)).ToList();
    }

    internal static HashSet<string> Trigrams(string text)
    {
        var normalized = " " + string.Join(' ', text.ToLowerInvariant().Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)) + " ";
        var grams = new HashSet<string>(StringComparer.Ordinal);
        if (normalized.Trim().Length == 0)
        {
            return grams;
        }
        for (var i = 0; i + 3 <= normalized.Length; i++)
        {
            grams.Add(normalized.Substring(i, 3));
        }
        return grams;
    }

    /// <summary>The ideas a user submitted, newest first (the author's own page, the earnings page).</summary>
    public async Task<IReadOnlyList<IdeaSummaryDto>> IdeasOfAsync(string userId, CancellationToken ct) =>
        (await Ideas.Where(i => i.AuthorId == userId).OrderByDescending(i => i.CreatedAt).Take(100).ToListAsync(ct)).Select(i => Summary(i, 0)).ToList();

    private async Task<Idea> VisibleAsync(string ideaId, CancellationToken ct) =>
        await Ideas.FirstOrDefaultAsync(i => i.Id == ideaId && !i.Hidden, ct) ?? throw IdeaNotFound(ideaId);

    internal static NotFoundException IdeaNotFound(string id) => new($"No idea with id '{id}'.");
}

public sealed record ReportedItemDto(string Kind, string TargetId, string IdeaId, string Text, int Reports, bool Hidden, IReadOnlyList<string> Reasons);
