namespace Dots.Recommend.Data;

/// <summary>
/// A user's (or an anonymous session's) events as item indices in chronological baskets.
/// <see cref="Items"/> holds every basket's distinct items back to back; basket b spans
/// <c>Items[GroupStart[b]..GroupStart[b + 1]]</c>, the last basket is the most recent.
/// </summary>
public sealed class UserHistory
{
    public static readonly UserHistory Empty = new([], [0]);

    internal UserHistory(int[] items, int[] groupStart, int owner = -1)
    {
        Items = items;
        GroupStart = groupStart;
        Owner = owner;
    }

    /// <summary>The training user this history belongs to, or -1: lets user-based models skip the user's own row.</summary>
    internal int Owner { get; }

    internal int[] Items { get; }

    internal int[] GroupStart { get; }

    public int GroupCount => GroupStart.Length - 1;

    public int EventCount => Items.Length;

    public bool IsEmpty => Items.Length == 0;

    internal ReadOnlySpan<int> Group(int g) => Items.AsSpan(GroupStart[g], GroupStart[g + 1] - GroupStart[g]);

    /// <summary>One basket per item, in the given order: how an anonymous session looks.</summary>
    internal static UserHistory FromSequence(IReadOnlyList<int> items)
    {
        var starts = new int[items.Count + 1];
        for (var i = 0; i <= items.Count; i++)
        {
            starts[i] = i;
        }
        return new UserHistory([.. items], starts);
    }

    /// <summary>The first <paramref name="groups"/> baskets: used to carve a validation split.</summary>
    internal UserHistory Prefix(int groups) =>
        new(Items[..GroupStart[groups]], GroupStart[..(groups + 1)], Owner);

    /// <summary>This history with one more, newest basket (ignored when empty).</summary>
    internal UserHistory WithBasket(IReadOnlyList<int> basket)
    {
        if (basket.Count == 0)
        {
            return this;
        }
        int[] items = [.. Items, .. basket];
        int[] starts = [.. GroupStart, items.Length];
        return new UserHistory(items, starts, Owner);
    }

    internal UserHistory OwnedBy(int user) => new(Items, GroupStart, user);

    /// <summary>Distinct items across all baskets.</summary>
    internal HashSet<int> DistinctItems() => [.. Items];
}
