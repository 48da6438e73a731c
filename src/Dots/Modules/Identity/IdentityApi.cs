using Dots.Infrastructure;
using Microsoft.AspNetCore.Http.HttpResults;
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
        app.MapGroup("/api/auth").WithTags("Accounts").MapIdentityApi<AppUser>().RequireRateLimiting(AuthRateLimit);
        app.MapGet("/api/me", GetMe).WithTags("Accounts").RequireAuthorization();
        return app;
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
