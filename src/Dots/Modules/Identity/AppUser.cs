using Microsoft.AspNetCore.Identity;

namespace Dots.Modules.Identity;

/// <summary>Every account is a customer; owning a shop makes it a seller; operators are granted a role.</summary>
public sealed class AppUser : IdentityUser
{
    public string? DisplayName { get; set; }

    public string? PreferredCulture { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

public static class Roles
{
    public const string Customer = "customer";
    public const string ShopOwner = "shop-owner";
    public const string Operator = "operator";
}
