using System.Security.Claims;
using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Http;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Identity;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.CoCreation;

/// <summary>Registration and HTTP surface of the Co-creation module (ideas → campaigns → products → royalties).</summary>
public static class CoCreationApi
{
    public static IServiceCollection AddCoCreation(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<CoCreationOptions>().Bind(configuration.GetSection("CoCreation"))
            .Validate(o => o.RoyaltyRate is >= 0 and < 1, "CoCreation:RoyaltyRate must be at least 0 and less than 1.")
            .Validate(o => o.MaxCampaignLength > TimeSpan.Zero, "CoCreation:MaxCampaignLength must be positive.")
            .Validate(o => o.SettlementGrace > TimeSpan.Zero, "CoCreation:SettlementGrace must be positive.")
            .Validate(o => o.SettlementLease >= TimeSpan.FromSeconds(5), "CoCreation:SettlementLease must be at least 5 seconds.")
            .Validate(o => o.MaxUnitsPerPledge is >= 1 and <= 100_000, "CoCreation:MaxUnitsPerPledge must be between 1 and 100,000.")
            .Validate(o => o.StalePledgeAfter >= TimeSpan.FromSeconds(30) && o.StalePledgeAfter <= TimeSpan.FromDays(1), "CoCreation:StalePledgeAfter must be between 30 seconds and 1 day.")
            .Validate(o => o.TrendingHalfLife > TimeSpan.Zero, "CoCreation:TrendingHalfLife must be positive.")
            .ValidateOnStart();
        services.AddScoped<IdeaService>();
        services.AddScoped<CampaignService>();
        services.AddScoped<CampaignSettlement>();
        services.AddScoped<RoyaltyService>();
        services.AddDomainEvent<IdeaSubmitted>();
        services.AddDomainEvent<IdeaVoted>();
        services.AddDomainEvent<IdeaCommented>();
        services.AddDomainEvent<ProposalReceived>();
        services.AddDomainEvent<CampaignStarted>();
        services.AddDomainEvent<PledgePlaced>();
        services.AddDomainEvent<CampaignSettled>();
        services.AddDomainEvent<ProductionUpdatePosted>();
        services.AddDomainEvent<RoyaltyEarned>();
        services.AddDomainEvent<RoyaltyReversed>();
        services.AddEventHandler<OrderPaid, RoyaltyOnOrderPaid>();
        services.AddEventHandler<OrderCancelled, RoyaltyOnOrderCancelled>();
        services.AddEventHandler<PaymentRefunded, RoyaltyOnPaymentRefunded>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<CampaignSettlementJob>(CampaignSettlementJob.Name, "15 * * * * ?",
            "Closes campaigns whose deadline passed and finishes settlements left unfinished (exactly once per campaign)."));
        services.AddDemoSeed<CoCreationDemoSeed>();
        return services;
    }

    public static IEndpointRouteBuilder MapCoCreation(this IEndpointRouteBuilder app)
    {
        app.MapCoCreationWebActions();
        var ideas = app.MapGroup("/api/ideas").WithTags("Co-creation");
        ideas.MapPost("", Submit).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("SubmitIdea")
            .WithSummary("Submit an idea").WithDescription("`category` is a slug from `GET /api/categories` (an unknown one is 400 naming the field).")
            .Produces<IdeaDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized);
        ideas.MapGet("", List).WithName("ListIdeas")
            .WithSummary("The idea board").WithDescription("`sort` = trending (votes weighted by recency), new or top; filter by `category`, `status` (Open, InCampaign, InProduction, OnSale) and `q`.")
            .ProducesValidationProblem();
        ideas.MapGet("/similar", Similar).WithName("SimilarIdeas")
            .WithSummary("Ideas with a similar title").WithDescription("For the submit form's hints while typing: `?title=&limit=`.")
            .ProducesValidationProblem();
        ideas.MapGet("/{id}", Get).WithName("GetIdea").WithSummary("An idea with its votes, status, proposals and campaign id")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapPut("/{id}", Update).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("UpdateIdea").WithSummary("The author edits the idea until a campaign starts")
            .ProducesValidationProblem().ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        ideas.MapPost("/{id}/votes", Vote).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("VoteIdea").WithSummary("Vote for an idea (one vote per user; voting again changes nothing)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapDelete("/{id}/votes", Unvote).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("WithdrawVote").WithSummary("Withdraw the caller's vote")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapPost("/{id}/follow", Follow).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("FollowIdea").WithSummary("Follow an idea").ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapDelete("/{id}/follow", Unfollow).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("UnfollowIdea").WithSummary("Stop following an idea").ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapGet("/{id}/comments", Comments).WithName("IdeaComments").WithSummary("The idea's comment thread, oldest first").ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapPost("/{id}/comments", Comment).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("CommentIdea").WithSummary("Comment on an idea (`parentId` to reply)")
            .Produces<CommentDto>(StatusCodes.Status201Created).ProducesValidationProblem().ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapPost("/{id}/reports", ReportIdea).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("ReportIdea").WithSummary("Report an idea to the operators")
            .ProducesProblem(StatusCodes.Status404NotFound);
        ideas.MapPost("/{id}/proposals", Propose).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("ProposeForIdea")
            .WithSummary("A maker offers to produce the idea").WithDescription("As the owner of `shopId` (403 for someone else's shop).")
            .Produces<ProposalDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        ideas.MapPost("/{id}/proposals/{proposalId}/accept", Accept).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("AcceptProposal")
            .WithSummary("The idea's author accepts a proposal and starts the campaign")
            .Produces<AcceptedDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        app.MapPost("/api/comments/{id}/reports", ReportComment).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithTags("Co-creation").WithName("ReportComment")
            .WithSummary("Report a comment to the operators").ProducesProblem(StatusCodes.Status404NotFound);

        var campaigns = app.MapGroup("/api/campaigns").WithTags("Co-creation");
        campaigns.MapGet("/{id}", GetCampaign).WithName("GetCampaign").WithSummary("A campaign with its progress and production timeline")
            .ProducesProblem(StatusCodes.Status404NotFound);
        campaigns.MapPost("/{id}/pledges", Pledge).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithIdempotencyKey().WithName("Pledge")
            .WithSummary("Back a campaign").WithDescription("The payment is authorized (held), not captured; it is captured when the campaign is funded and released when it fails. 409 once the campaign is closed.")
            .Produces<PledgeDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status402PaymentRequired, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        campaigns.MapPost("/{id}/close", Close).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("CloseCampaign")
            .WithSummary("Settle the campaign now (the maker or an operator)")
            .WithDescription("Funded when pledged ≥ goal (every pledge captured and turned into an order, exactly once), Failed otherwise (every hold released). Closing a settled campaign is 200 with it unchanged.")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        campaigns.MapPost("/{id}/updates", PostUpdate).RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized).WithName("PostProductionUpdate")
            .WithSummary("The maker posts a production update (design, sample, mass-production, quality-check, shipped)")
            .Produces<CampaignDto>(StatusCodes.Status201Created).ProducesValidationProblem()
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);

        var me = app.MapGroup("/api/me").WithTags("Co-creation").RequireAuthorization().ProducesProblem(StatusCodes.Status401Unauthorized);
        me.MapGet("/royalties", Royalties).WithName("MyRoyalties").WithSummary("The caller's royalty balance and history");
        me.MapGet("/pledges", MyPledges).WithName("MyPledges").WithSummary("The caller's pledges, newest first");
        me.MapGet("/ideas", MyIdeas).WithName("MyIdeas").WithSummary("The ideas the caller submitted");
        me.MapGet("/campaigns", MyCampaigns).WithName("MyCampaigns").WithSummary("The campaigns of the caller's shops (the maker's console)");

        var ops = app.MapGroup("/api/ops").WithTags("Operations").RequireAuthorization(p => p.RequireRole(Roles.Operator))
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        ops.MapGet("/idea-reports", Reports).WithName("IdeaReports").WithSummary("Reported ideas and comments (operators)");
        ops.MapPut("/ideas/{id}/hidden", HideIdea).WithName("HideIdea").WithSummary("Hide or show an idea (operators)").ProducesProblem(StatusCodes.Status404NotFound);
        ops.MapPut("/comments/{id}/hidden", HideComment).WithName("HideComment").WithSummary("Hide or show a comment (operators)").ProducesProblem(StatusCodes.Status404NotFound);
        return app;
    }

    /// <summary>The name shown for a user: the part of the sign-in e-mail before the @.</summary>
    internal static string DisplayName(ClaimsPrincipal user)
    {
        var name = user.Identity?.Name ?? user.FindFirstValue(ClaimTypes.Email) ?? "";
        var at = name.IndexOf('@');
        name = at > 0 ? name[..at] : name;
        return name.Length == 0 ? "someone" : name.Length > 100 ? name[..100] : name;
    }

    private static bool IsOperator(HttpContext http) => http.User.IsInRole(Roles.Operator);

    private static async Task<Created<IdeaDto>> Submit(SubmitIdeaRequest request, IdeaService ideas, HttpContext http, CancellationToken ct)
    {
        var idea = await ideas.SubmitAsync(http.User.UserId(), DisplayName(http.User), request, ct);
        return TypedResults.Created($"/api/ideas/{idea.Id}", idea);
    }

    private static async Task<Ok<Paged<IdeaSummaryDto>>> List(IdeaService ideas, string? sort, string? category, string? status, string? q, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await ideas.ListAsync(sort, category, status, q, page, pageSize, ct));

    private static async Task<Ok<IReadOnlyList<SimilarIdeaDto>>> Similar(IdeaService ideas, string? title, int? limit, CancellationToken ct) =>
        TypedResults.Ok(await ideas.SimilarAsync(title, limit, ct));

    private static async Task<Ok<IdeaDto>> Get(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.GetAsync(id, http.User.UserIdOrNull(), IsOperator(http), ct));

    private static async Task<Ok<IdeaDto>> Update(string id, UpdateIdeaRequest request, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.UpdateAsync(id, http.User.UserId(), request, ct));

    private static async Task<Ok<VoteDto>> Vote(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.VoteAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<VoteDto>> Unvote(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.WithdrawVoteAsync(id, http.User.UserId(), ct));

    private static async Task<Ok<FollowDto>> Follow(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.FollowAsync(id, http.User.UserId(), true, ct));

    private static async Task<Ok<FollowDto>> Unfollow(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.FollowAsync(id, http.User.UserId(), false, ct));

    private static async Task<Ok<IReadOnlyList<CommentDto>>> Comments(string id, IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.CommentsAsync(id, http.User.UserIdOrNull(), IsOperator(http), ct));

    private static async Task<Created<CommentDto>> Comment(string id, CommentRequest request, IdeaService ideas, HttpContext http, CancellationToken ct)
    {
        var comment = await ideas.CommentAsync(id, http.User.UserId(), DisplayName(http.User), request, ct);
        return TypedResults.Created($"/api/ideas/{id}/comments", comment);
    }

    private static async Task<Ok> ReportIdea(string id, ReportRequest? request, IdeaService ideas, HttpContext http, CancellationToken ct)
    {
        await ideas.ReportAsync("idea", id, http.User.UserId(), request ?? new ReportRequest(null), ct);
        return TypedResults.Ok();
    }

    private static async Task<Ok> ReportComment(string id, ReportRequest? request, IdeaService ideas, HttpContext http, CancellationToken ct)
    {
        await ideas.ReportAsync("comment", id, http.User.UserId(), request ?? new ReportRequest(null), ct);
        return TypedResults.Ok();
    }

    private static async Task<Created<ProposalDto>> Propose(string id, ProposeRequest request, CampaignService campaigns, HttpContext http, CancellationToken ct)
    {
        var proposal = await campaigns.ProposeAsync(id, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/ideas/{id}", proposal);
    }

    private static async Task<Created<AcceptedDto>> Accept(string id, string proposalId, AcceptProposalRequest request, CampaignService campaigns, HttpContext http, CancellationToken ct)
    {
        var accepted = await campaigns.AcceptAsync(id, proposalId, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/campaigns/{accepted.CampaignId}", accepted);
    }

    private static async Task<Ok<CampaignDto>> GetCampaign(string id, CampaignService campaigns, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.GetAsync(id, ct));

    private static Task<IResult> Pledge(string id, PledgeRequest request, CampaignService campaigns, Idempotency idempotency, HttpContext http) =>
        idempotency.RunAsync(http, "pledges:" + id, request,
            () => campaigns.PledgeAnswerAsync(id, http.User.UserId(), request, http.RequestAborted),
            pledgeId => campaigns.ResumePledgeAsync(pledgeId, http.User.UserId(), request, CancellationToken.None));

    private static async Task<Ok<CampaignDto>> Close(string id, CampaignSettlement settlement, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await settlement.CloseAsync(id, http.User.UserId(), IsOperator(http), ct));

    private static async Task<Created<CampaignDto>> PostUpdate(string id, PostUpdateRequest request, CampaignService campaigns, HttpContext http, CancellationToken ct)
    {
        var campaign = await campaigns.PostUpdateAsync(id, http.User.UserId(), request, ct);
        return TypedResults.Created($"/api/campaigns/{id}", campaign);
    }

    private static async Task<Ok<RoyaltiesDto>> Royalties(RoyaltyService royalties, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await royalties.RoyaltiesAsync(http.User.UserId(), ct));

    private static async Task<Ok<IReadOnlyList<PledgeDto>>> MyPledges(CampaignService campaigns, HttpContext http, string? campaignId, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.MyPledgesAsync(http.User.UserId(), campaignId, ct));

    private static async Task<Ok<IReadOnlyList<IdeaSummaryDto>>> MyIdeas(IdeaService ideas, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await ideas.IdeasOfAsync(http.User.UserId(), ct));

    private static async Task<Ok<IReadOnlyList<CampaignDto>>> MyCampaigns(CampaignService campaigns, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await campaigns.CampaignsOfMakerAsync(http.User.UserId(), ct));

    private static async Task<Ok<IReadOnlyList<ReportedItemDto>>> Reports(IdeaService ideas, CancellationToken ct) =>
        TypedResults.Ok(await ideas.ReportsAsync(ct));

    private static async Task<Ok> HideIdea(string id, HideRequest request, IdeaService ideas, CancellationToken ct)
    {
        await ideas.SetHiddenAsync("idea", id, request.Hidden ?? true, ct);
        return TypedResults.Ok();
    }

    private static async Task<Ok> HideComment(string id, HideRequest request, IdeaService ideas, CancellationToken ct)
    {
        await ideas.SetHiddenAsync("comment", id, request.Hidden ?? true, ct);
        return TypedResults.Ok();
    }
}
