using Dots.Infrastructure;
using Dots.Web;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Dots.Modules.CoCreation;

/// <summary>
/// The Co-creation module's button-sized web actions (vote, follow, report, hide, close a campaign): plain HTML form
/// posts that answer with a redirect (post/redirect/get), so they work without JavaScript and a reload never repeats them.
/// </summary>
internal static class CoCreationWebActions
{
    public static IEndpointRouteBuilder MapCoCreationWebActions(this IEndpointRouteBuilder app)
    {
        var web = app.MapGroup("").ExcludeFromDescription();
        web.MapPost("/ideas/{id}/vote", Vote);
        web.MapPost("/ideas/{id}/follow", Follow);
        web.MapPost("/ideas/{id}/report", Report);
        web.MapPost("/ideas/{id}/hide", Hide);
        web.MapPost("/campaigns/{id}/close", Close);
        web.MapPost("/campaigns/{id}/updates", PostUpdate);
        return app;
    }

    private static string IdeaPage(string id) => "/ideas/" + Uri.EscapeDataString(id);

    private static IResult SignIn(string page) => Results.LocalRedirect("/account/login?ReturnUrl=" + Uri.EscapeDataString(page));

    private static async Task<IResult> Vote(string id, HttpContext http, IdeaService ideas, [FromForm] string? withdraw, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return SignIn(IdeaPage(id));
        }
        try
        {
            _ = withdraw == "1" ? await ideas.WithdrawVoteAsync(id, userId, ct) : await ideas.VoteAsync(id, userId, ct);
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/ideas");
        }
        return Results.LocalRedirect(IdeaPage(id) + (withdraw == "1" ? "?done=unvoted" : "?done=voted"));
    }

    private static async Task<IResult> Follow(string id, HttpContext http, IdeaService ideas, [FromForm] string? stop, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return SignIn(IdeaPage(id));
        }
        try
        {
            await ideas.FollowAsync(id, userId, stop != "1", ct);
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/ideas");
        }
        return Results.LocalRedirect(IdeaPage(id) + (stop == "1" ? "?done=unfollowed" : "?done=followed"));
    }

    private static async Task<IResult> Report(string id, HttpContext http, IdeaService ideas, [FromForm] string? commentId, CancellationToken ct)
    {
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return SignIn(IdeaPage(id));
        }
        try
        {
            await ideas.ReportAsync(string.IsNullOrEmpty(commentId) ? "idea" : "comment", string.IsNullOrEmpty(commentId) ? id : commentId, userId, new ReportRequest(null), ct);
        }
        catch (Exception e) when (e is NotFoundException or RequestValidationException)
        {
            return Results.LocalRedirect(IdeaPage(id));
        }
        return Results.LocalRedirect(IdeaPage(id) + "?done=reported");
    }

    private static async Task<IResult> Hide(string id, HttpContext http, IdeaService ideas, [FromForm] string? commentId, [FromForm] string? show, CancellationToken ct)
    {
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.LocalRedirect(IdeaPage(id));
        }
        try
        {
            await ideas.SetHiddenAsync(string.IsNullOrEmpty(commentId) ? "idea" : "comment", string.IsNullOrEmpty(commentId) ? id : commentId, show != "1", ct);
        }
        catch (NotFoundException)
        {
            return Results.LocalRedirect("/ideas");
        }
        return Results.LocalRedirect(IdeaPage(id) + "?done=moderated");
    }

    private static async Task<IResult> Close(string id, HttpContext http, CampaignSettlement settlement, [FromForm] string? next, CancellationToken ct)
    {
        var back = Formatting.LocalUrl(next, "/sell/campaigns");
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return SignIn(back);
        }
        try
        {
            await settlement.CloseAsync(id, userId, http.User.IsInRole(Roles.Operator), ct);
        }
        catch (Exception e) when (e is NotFoundException or ForbiddenException)
        {
            return Results.LocalRedirect(back);
        }
        return Results.LocalRedirect(back + (back.Contains('?') ? "&" : "?") + "done=closed");
    }

    private static async Task<IResult> PostUpdate(
        string id, HttpContext http, CampaignService campaigns, [FromForm] string? stage, [FromForm] string? text, [FromForm] string? photoUrl, [FromForm] string? stock,
        CancellationToken ct)
    {
        const string console = "/sell/campaigns";
        if (http.User.UserIdOrNull() is not { } userId)
        {
            return SignIn(console);
        }
        try
        {
            int? units = int.TryParse(stock, out var n) ? n : null;
            await campaigns.PostUpdateAsync(id, userId, new PostUpdateRequest(stage, text, string.IsNullOrWhiteSpace(photoUrl) ? null : photoUrl.Trim(), units), ct);
        }
        catch (Exception e) when (e is RequestValidationException or ConflictException or ForbiddenException or NotFoundException)
        {
            return Results.LocalRedirect(console + "?error=update");
        }
        return Results.LocalRedirect(console + "?done=posted");
    }
}
