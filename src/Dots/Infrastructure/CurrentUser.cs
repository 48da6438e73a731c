using System.Security.Claims;

namespace Dots.Infrastructure;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id; endpoints that call it require authorization, so it is always there.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("No signed-in user on an endpoint that requires one.");

    public static string? UserIdOrNull(this ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier);
}
