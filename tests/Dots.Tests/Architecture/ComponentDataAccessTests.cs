using System.Reflection;
using Dots.Infrastructure.Database;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Identity;

namespace Dots.Tests.Architecture;

/// <summary>
/// A page's layout and its components run their lifecycle methods concurrently, and one DbContext cannot serve two
/// operations at once: the rule (ADR 0009) is that no component injects anything that holds the request's DbContext.
/// Components run each load through <c>IServiceScopeFactory.RunAsync</c>, which gives the operation its own scope.
/// </summary>
public sealed class ComponentDataAccessTests
{
    [Fact]
    public void NoComponent_InjectsAServiceThatHoldsTheRequestsDbContext()
    {
        var offenders = typeof(DotsApp).Assembly.GetTypes()
            .Where(t => typeof(IComponent).IsAssignableFrom(t) && !t.IsAbstract || t.IsAbstract && typeof(ComponentBase).IsAssignableFrom(t))
            .SelectMany(t => t.GetProperties(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
                .Where(p => p.GetCustomAttribute<InjectAttribute>() is not null && HoldsDbContext(p.PropertyType, []))
                .Select(p => $"{t.FullName}.{p.Name} ({p.PropertyType.Name})"))
            .ToList();
        Assert.True(offenders.Count == 0, "Components inject DbContext-backed services: " + string.Join(", ", offenders));
    }

    [Fact]
    public void TheGuard_CatchesAComponentThatInjectsADbContextBackedService()
    {
        var property = typeof(BrokenComponent).GetProperty(nameof(BrokenComponent.Orders), BindingFlags.Instance | BindingFlags.NonPublic)!;
        Assert.True(HoldsDbContext(property.PropertyType, []));
    }

    /// <summary>True when the type is a DbContext or Identity store user, or any constructor parameter (transitively) is.</summary>
    internal static bool HoldsDbContext(Type type, HashSet<Type> seen)
    {
        if (!seen.Add(type))
        {
            return false;
        }
        if (typeof(DotsDbContext).IsAssignableFrom(type) || typeof(Microsoft.EntityFrameworkCore.DbContext).IsAssignableFrom(type))
        {
            return true;
        }
        if (type.IsGenericType && (type.GetGenericTypeDefinition() == typeof(UserManager<>) || type.GetGenericTypeDefinition() == typeof(SignInManager<>)))
        {
            return true;
        }
        if (type.Assembly != typeof(DotsApp).Assembly)
        {
            return false;
        }
        return type.GetConstructors().SelectMany(c => c.GetParameters()).Any(p => HoldsDbContext(p.ParameterType, seen));
    }

    private sealed class BrokenComponent : ComponentBase
    {
        [Inject] internal Dots.Modules.Ordering.OrderService Orders { get; set; } = default!;
    }
}
