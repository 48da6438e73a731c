using Dots.Infrastructure;
using Dots.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Identity;

namespace Dots.Modules.Identity;

public sealed record MeShopDto(string Id, string Name);

public sealed record MeDto(string Id, string Email, IReadOnlyList<string> Roles, IReadOnlyList<MeShopDto> Shops);

/// <summary>
/// Identity's extension point for the shops a user owns: Catalog implements it, so Identity depends on no other
/// module (the dependency points from Catalog to Identity, never back).
/// </summary>
public interface IUserShops
{
    Task<IReadOnlyList<MeShopDto>> ShopsOwnedByAsync(string userId, CancellationToken ct);
}

public static class IdentityApi
{
    public const string AuthRateLimit = "auth";

    public static IEndpointRouteBuilder MapIdentityEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/auth").WithTags("Accounts").MapIdentityApi<AppUser>().RequireRateLimiting(AuthRateLimit)
            .ProducesProblems(StatusCodes.Status429TooManyRequests)
            .Add(DescribeIdentityEndpoint);
        app.MapGet("/api/me", GetMe).WithTags("Accounts").RequireAuthorization().WithName("GetMe")
            .WithSummary("Get the signed-in account")
            .WithDescription("The caller's id, email, roles (Customer, ShopOwner when they own a shop, Operator, ...) and shops.")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status404NotFound);
        return app;
    }

    private sealed record IdentityOperation(string Id, string Summary, string Description, int[] Problems, bool AnswersWithText = false);

    /// <summary>
    /// The framework's endpoints come without operation ids or summaries, and without the failures our pipeline adds
    /// (problem bodies from the exception handler and status-code pages): described here, keyed by method and route.
    /// </summary>
    private static readonly Dictionary<string, IdentityOperation> IdentityOperations = new(StringComparer.OrdinalIgnoreCase)
    {
        ["POST /api/auth/register"] = new("Register", "Create an account",
            "Registers an email and password; 400 with `errors` on a weak password or a taken email.", [StatusCodes.Status413PayloadTooLarge]),
        ["POST /api/auth/login"] = new("Login", "Sign in",
            "Returns a bearer `accessToken` (opaque, not a JWT) and a `refreshToken`; with `useCookies=true` sets the Identity cookie instead "
            + "and returns an empty 200. 401 on bad credentials.",
            [StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge]),
        ["POST /api/auth/refresh"] = new("RefreshToken", "Exchange a refresh token for new tokens",
            "401 when the refresh token is expired, invalid or its account's security stamp has changed.",
            [StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge]),
        ["GET /api/auth/confirmEmail"] = new("ConfirmEmail", "Confirm an email address",
            "The link sent by email points here; 401 when the user id or code does not match.",
            [StatusCodes.Status400BadRequest, StatusCodes.Status401Unauthorized], AnswersWithText: true),
        ["POST /api/auth/resendConfirmationEmail"] = new("ResendConfirmationEmail", "Send the confirmation email again",
            "Always 200 for a well-formed request, so it does not reveal which emails have accounts.",
            [StatusCodes.Status400BadRequest, StatusCodes.Status413PayloadTooLarge]),
        ["POST /api/auth/forgotPassword"] = new("ForgotPassword", "Request a password reset code by email",
            "Always 200 for a well-formed request, so it does not reveal which emails have accounts.", [StatusCodes.Status413PayloadTooLarge]),
        ["POST /api/auth/resetPassword"] = new("ResetPassword", "Reset a password with the emailed code",
            "400 with `errors` when the code is invalid or the new password is weak.", [StatusCodes.Status413PayloadTooLarge]),
        ["POST /api/auth/manage/2fa"] = new("ManageTwoFactor", "Configure two-factor authentication",
            "Enables, disables or resets the signed-in account's authenticator and recovery codes.",
            [StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge]),
        ["GET /api/auth/manage/info"] = new("GetAccountInfo", "Get the signed-in account's email and confirmation state",
            "Identity's own account view; `GET /api/me` adds roles and shops.", [StatusCodes.Status401Unauthorized]),
        ["POST /api/auth/manage/info"] = new("UpdateAccountInfo", "Change the signed-in account's email or password",
            "400 with `errors` when the old password is wrong or the new one is weak.",
            [StatusCodes.Status401Unauthorized, StatusCodes.Status413PayloadTooLarge]),
    };

    private static void DescribeIdentityEndpoint(EndpointBuilder endpoint)
    {
        var method = endpoint.Metadata.OfType<IHttpMethodMetadata>().FirstOrDefault()?.HttpMethods.FirstOrDefault();
        var route = (endpoint as RouteEndpointBuilder)?.RoutePattern.RawText;
        if (method is null || route is null || !IdentityOperations.TryGetValue($"{method} /{route.TrimStart('/')}", out var operation))
        {
            return;
        }
        endpoint.Metadata.Add(new EndpointSummaryAttribute(operation.Summary));
        endpoint.Metadata.Add(new EndpointDescriptionAttribute(operation.Description));
        // The id goes to the document only, not the endpoint name: confirmEmail's name is what Identity's email links are generated from.
        endpoint.Metadata.Add(new OpenApiOperationId(operation.Id));
        foreach (var status in operation.Problems)
        {
            endpoint.Metadata.Add(ResponseMetadata.Problem(status));
        }
        if (operation.AnswersWithText)
        {
            // Identity answers with plain text here, a result type that declares no response of its own.
            endpoint.Metadata.Add(new ResponseMetadata(StatusCodes.Status200OK, typeof(string), "text/plain"));
        }
    }

    private static async Task<Ok<MeDto>> GetMe(HttpContext http, UserManager<AppUser> users, IUserShops shops, CancellationToken ct)
    {
        var user = await users.GetUserAsync(http.User) ?? throw new NotFoundException("The account no longer exists.");
        return TypedResults.Ok(await DescribeAsync(user, users, shops, ct));
    }

    public static async Task<MeDto> DescribeAsync(AppUser user, UserManager<AppUser> users, IUserShops userShops, CancellationToken ct)
    {
        var shops = await userShops.ShopsOwnedByAsync(user.Id, ct);
        var roles = new List<string> { Roles.Customer };
        if (shops.Count > 0)
        {
            roles.Add(Roles.ShopOwner);
        }
        roles.AddRange((await users.GetRolesAsync(user)).Where(r => !roles.Contains(r)));
        return new MeDto(user.Id, user.Email ?? "", roles, shops);
    }
}

/// <summary>Account administration used by the CLI (`dots users ...`).</summary>
public sealed class UserAdministration(UserManager<AppUser> users, RoleManager<IdentityRole> roles)
{
    public async Task<string> GrantAsync(string email, string role, CancellationToken ct)
    {
        var user = await users.FindByEmailAsync(email) ?? throw new NotFoundException($"No account with the email '{email}'.");
        if (!await roles.RoleExistsAsync(role))
        {
            await roles.CreateAsync(new IdentityRole(role));
        }
        if (await users.IsInRoleAsync(user, role))
        {
            return $"{email} is already {role}.";
        }
        var result = await users.AddToRoleAsync(user, role);
        return result.Succeeded ? $"{email} is now {role}." : throw new ConflictException(string.Join(" ", result.Errors.Select(e => e.Description)));
    }
}
