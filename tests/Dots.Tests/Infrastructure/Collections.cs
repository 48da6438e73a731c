namespace Dots.Tests.Infrastructure;

/// <summary>
/// Test classes that share one platform instance. Each test still makes its own users, shops and products,
/// so tests pass in any order.
/// </summary>
public sealed class SharedPlatform : DotsFactory;
