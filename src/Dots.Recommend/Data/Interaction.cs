namespace Dots.Recommend.Data;

/// <summary>
/// One implicit-feedback event: <paramref name="User"/> bought (or reviewed, or viewed) <paramref name="Item"/>.
/// <paramref name="Order"/> places the event in the user's history; events with the same order form one
/// basket (Ta-Feng's basket index, Beauty's position, or a timestamp).
/// </summary>
public readonly record struct Interaction(string User, string Item, long Order);

/// <summary>Bad input data, located by file and 1-based line so a CLI can print one clear line.</summary>
public sealed class RecsDataException(string path, int line, string detail)
    : Exception(line > 0 ? $"{path}, line {line}: {detail}" : $"{path}: {detail}")
{
    public string Path { get; } = path;
    public int Line { get; } = line;
}
