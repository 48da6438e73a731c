using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.Catalog;

/// <summary>Search's own routes: suggestions as the user types, and the operators' synonym list.</summary>
public static class SearchApi
{
    /// <summary>The cookie (or X-Session-Id header) carrying the browser's anonymous session id, passed to the personalizer.</summary>
    public const string SessionCookie = "dots_sid";

    public static IServiceCollection AddCatalogSearch(this IServiceCollection services)
    {
        services.AddOptions<SearchOptions>().BindConfiguration("Search").ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ProductSearchEngine>();
        services.AddScoped<SearchAssist>();
        services.AddScoped<SearchSynonyms>();
        return services;
    }

    public static IEndpointRouteBuilder MapCatalogSearch(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/search").WithTags("Catalog");
        api.MapGet("/suggest", Suggest).WithName("SuggestSearch")
            .WithSummary("Suggestions for a query being typed")
            .WithDescription("Products, categories and shops matching what has been typed so far (Korean sub-words, spacing variants, typos and synonyms included); `didYouMean` when the query finds nothing.")
            .ProducesValidationProblem();

        var ops = app.MapGroup("/api/ops/search/synonyms").WithTags("Operations").RequireAuthorization(p => p.RequireRole(Roles.Operator));
        ops.MapGet("", ListSynonyms).WithName("ListSearchSynonyms").WithSummary("List the search synonym groups (operator)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        ops.MapPost("", CreateSynonyms).WithName("CreateSearchSynonyms").WithSummary("Add a synonym group (operator)")
            .WithDescription("`terms`: two to twelve words search treats as the same thing, in any language.")
            .ProducesValidationProblem().ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        ops.MapPut("/{id}", UpdateSynonyms).WithName("UpdateSearchSynonyms").WithSummary("Replace a synonym group's words (operator)")
            .ProducesValidationProblem().ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        ops.MapDelete("/{id}", DeleteSynonyms).WithName("DeleteSearchSynonyms").WithSummary("Delete a synonym group (operator)")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        // The operator page's forms: plain posts answered with a redirect back to /ops/search.
        var web = app.MapGroup("/ops/search/synonyms").ExcludeFromDescription()
            .RequireAuthorization(new Microsoft.AspNetCore.Authorization.AuthorizeAttribute { Roles = Roles.Operator, AuthenticationSchemes = Dots.Web.WebAuth.Scheme });
        web.MapPost("", AddFromPage);
        web.MapPost("/{id}", SaveFromPage);
        return app;
    }

    private static async Task<IResult> AddFromPage(SearchSynonyms synonyms, [Microsoft.AspNetCore.Mvc.FromForm] string? terms, CancellationToken ct) =>
        await FromPageAsync(() => synonyms.CreateAsync(new SynonymGroupRequest([terms ?? ""]), ct), "saved");

    private static async Task<IResult> SaveFromPage(string id, SearchSynonyms synonyms, [Microsoft.AspNetCore.Mvc.FromForm] string? terms, [Microsoft.AspNetCore.Mvc.FromForm] string? delete, CancellationToken ct) =>
        delete == "1"
            ? await FromPageAsync(() => synonyms.DeleteAsync(id, ct), "deleted")
            : await FromPageAsync(() => synonyms.UpdateAsync(id, new SynonymGroupRequest([terms ?? ""]), ct), "saved");

    private static async Task<IResult> FromPageAsync(Func<Task> action, string done)
    {
        try
        {
            await action();
            return Results.LocalRedirect("/ops/search?done=" + done);
        }
        catch (RequestValidationException e)
        {
            return Results.LocalRedirect("/ops/search?error=" + Uri.EscapeDataString(string.Join(" ", e.Errors.SelectMany(x => x.Value))));
        }
        catch (NotFoundException e)
        {
            return Results.LocalRedirect("/ops/search?error=" + Uri.EscapeDataString(e.Message));
        }
    }

    /// <summary>The caller for personal re-ranking: the signed-in user, and the anonymous session from its cookie or header.</summary>
    public static SearchCaller Caller(HttpContext http)
    {
        var session = http.Request.Cookies[SessionCookie];
        if (string.IsNullOrEmpty(session))
        {
            session = http.Request.Headers["X-Session-Id"].ToString();
        }
        session = string.IsNullOrEmpty(session) || session.Length > 64 ? null : session;
        return new SearchCaller(http.User.UserIdOrNull(), session);
    }

    private static async Task<Ok<SearchSuggestionsDto>> Suggest(SearchAssist assist, CancellationToken ct, string? q = null, int? limit = null) =>
        TypedResults.Ok(await assist.SuggestAsync(q, limit ?? 6, ct));

    private static async Task<Ok<IReadOnlyList<SynonymGroupDto>>> ListSynonyms(SearchSynonyms synonyms, CancellationToken ct) =>
        TypedResults.Ok(await synonyms.ListAsync(ct));

    private static async Task<Created<SynonymGroupDto>> CreateSynonyms(SynonymGroupRequest request, SearchSynonyms synonyms, CancellationToken ct)
    {
        var group = await synonyms.CreateAsync(request, ct);
        return TypedResults.Created($"/api/ops/search/synonyms/{group.Id}", group);
    }

    private static async Task<Ok<SynonymGroupDto>> UpdateSynonyms(string id, SynonymGroupRequest request, SearchSynonyms synonyms, CancellationToken ct) =>
        TypedResults.Ok(await synonyms.UpdateAsync(id, request, ct));

    private static async Task<NoContent> DeleteSynonyms(string id, SearchSynonyms synonyms, CancellationToken ct)
    {
        await synonyms.DeleteAsync(id, ct);
        return TypedResults.NoContent();
    }
}
