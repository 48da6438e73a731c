namespace Dots.Recommend.Data;

/// <summary>
/// Interactions indexed for training: string ids mapped to dense indices, each user's history as
/// chronological baskets, and the transposed item → (user, basket) occurrence lists in CSR form.
/// Items are indexed by descending popularity, so a lower index is the natural tie-breaker.
/// </summary>
public sealed class TrainingData
{
    private readonly Dictionary<string, int> _itemIndex;
    private readonly Dictionary<string, int> _userIndex;

    private TrainingData(string[] itemIds, string[] userIds, UserHistory[] histories)
    {
        ItemIds = itemIds;
        UserIds = userIds;
        Histories = histories;
        _itemIndex = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++)
        {
            _itemIndex[itemIds[i]] = i;
        }
        _userIndex = new Dictionary<string, int>(userIds.Length, StringComparer.Ordinal);
        for (var u = 0; u < userIds.Length; u++)
        {
            _userIndex[userIds[u]] = u;
        }

        // Item → users (distinct) and item → (user, basket) occurrences, both CSR.
        var events = new int[itemIds.Length];
        var users = new int[itemIds.Length];
        var lastUser = new int[itemIds.Length];
        Array.Fill(lastUser, -1);
        for (var u = 0; u < histories.Length; u++)
        {
            foreach (var i in histories[u].Items)
            {
                events[i]++;
                if (lastUser[i] != u)
                {
                    lastUser[i] = u;
                    users[i]++;
                }
            }
        }
        EventCount = events;
        UserCount = users;
        ItemUserPtr = Prefix(users);
        ItemUsers = new int[ItemUserPtr[^1]];
        OccurrencePtr = Prefix(events);
        OccurrenceUser = new int[OccurrencePtr[^1]];
        OccurrenceGroup = new int[OccurrencePtr[^1]];
        var fillUsers = (int[])ItemUserPtr.Clone();
        var fillOcc = (int[])OccurrencePtr.Clone();
        Array.Fill(lastUser, -1);
        for (var u = 0; u < histories.Length; u++)
        {
            var h = histories[u];
            for (var g = 0; g < h.GroupCount; g++)
            {
                foreach (var i in h.Group(g))
                {
                    var o = fillOcc[i]++;
                    OccurrenceUser[o] = u;
                    OccurrenceGroup[o] = g;
                    if (lastUser[i] != u)
                    {
                        lastUser[i] = u;
                        ItemUsers[fillUsers[i]++] = u;
                    }
                }
            }
        }
        // Distinct items per user, ascending: the binary user × item matrix in CSR form.
        UserItemPtr = new int[histories.Length + 1];
        var distinct = new List<int[]>(histories.Length);
        for (var u = 0; u < histories.Length; u++)
        {
            var set = histories[u].DistinctItems().ToArray();
            Array.Sort(set);
            distinct.Add(set);
            UserItemPtr[u + 1] = UserItemPtr[u] + set.Length;
        }
        UserItems = new int[UserItemPtr[^1]];
        for (var u = 0; u < histories.Length; u++)
        {
            distinct[u].CopyTo(UserItems, UserItemPtr[u]);
        }
    }

    public IReadOnlyList<string> ItemIdList => ItemIds;

    public IReadOnlyList<string> UserIdList => UserIds;

    public int ItemCount => ItemIds.Length;

    public int UserCountTotal => UserIds.Length;

    internal string[] ItemIds { get; }

    internal string[] UserIds { get; }

    internal UserHistory[] Histories { get; }

    /// <summary>Events (user, basket, item) per item: the popularity the reference "pop" baseline uses.</summary>
    internal int[] EventCount { get; }

    /// <summary>Distinct users per item.</summary>
    internal int[] UserCount { get; }

    internal int[] ItemUserPtr { get; }

    internal int[] ItemUsers { get; }

    internal int[] OccurrencePtr { get; }

    internal int[] OccurrenceUser { get; }

    internal int[] OccurrenceGroup { get; }

    internal int[] UserItemPtr { get; }

    internal int[] UserItems { get; }

    internal ReadOnlySpan<int> UsersOf(int item) => ItemUsers.AsSpan(ItemUserPtr[item], ItemUserPtr[item + 1] - ItemUserPtr[item]);

    internal ReadOnlySpan<int> ItemsOf(int user) => UserItems.AsSpan(UserItemPtr[user], UserItemPtr[user + 1] - UserItemPtr[user]);

    public bool TryGetItem(string id, out int index) => _itemIndex.TryGetValue(id, out index);

    public bool TryGetUser(string id, out int index) => _userIndex.TryGetValue(id, out index);

    public UserHistory HistoryOf(string user) => TryGetUser(user, out var u) ? Histories[u] : UserHistory.Empty;

    public static TrainingData Build(IEnumerable<Interaction> interactions)
    {
        var byUser = new Dictionary<string, List<(long Order, int Seq, string Item)>>(StringComparer.Ordinal);
        var pop = new Dictionary<string, int>(StringComparer.Ordinal);
        var seq = 0;
        var seen = new HashSet<(string, string, long)>();
        foreach (var x in interactions)
        {
            // Duplicate rows (same user, item, basket) are one event, as in the reference scorer's sets.
            if (!seen.Add((x.User, x.Item, x.Order)))
            {
                continue;
            }
            if (!byUser.TryGetValue(x.User, out var list))
            {
                byUser[x.User] = list = [];
            }
            list.Add((x.Order, seq++, x.Item));
            pop[x.Item] = pop.GetValueOrDefault(x.Item) + 1;
        }
        var itemIds = pop.Keys.ToArray();
        Array.Sort(itemIds, (a, b) =>
        {
            var c = pop[b].CompareTo(pop[a]);
            return c != 0 ? c : IdComparer.Instance.Compare(a, b);
        });
        var itemIndex = new Dictionary<string, int>(itemIds.Length, StringComparer.Ordinal);
        for (var i = 0; i < itemIds.Length; i++)
        {
            itemIndex[itemIds[i]] = i;
        }
        var userIds = byUser.Keys.ToArray();
        Array.Sort(userIds, IdComparer.Instance);
        var histories = new UserHistory[userIds.Length];
        for (var u = 0; u < userIds.Length; u++)
        {
            var events = byUser[userIds[u]];
            events.Sort((a, b) => a.Order != b.Order ? a.Order.CompareTo(b.Order) : a.Seq.CompareTo(b.Seq));
            histories[u] = Group(events.Select(e => (e.Order, itemIndex[e.Item]))).OwnedBy(u);
        }
        return new TrainingData(itemIds, userIds, histories);
    }

    /// <summary>Same catalog and users, new histories (a validation prefix, for instance).</summary>
    internal TrainingData WithHistories(UserHistory[] histories) => new(ItemIds, UserIds, histories);

    private static UserHistory Group(IEnumerable<(long Order, int Item)> sorted)
    {
        var items = new List<int>();
        var starts = new List<int> { 0 };
        var inGroup = new HashSet<int>();
        long? current = null;
        foreach (var (order, item) in sorted)
        {
            if (current != order)
            {
                if (current is not null)
                {
                    starts.Add(items.Count);
                }
                current = order;
                inGroup.Clear();
            }
            if (inGroup.Add(item))
            {
                items.Add(item);
            }
        }
        if (items.Count > 0)
        {
            starts.Add(items.Count);
        }
        return new UserHistory([.. items], [.. starts]);
    }

    private static int[] Prefix(int[] counts)
    {
        var ptr = new int[counts.Length + 1];
        for (var i = 0; i < counts.Length; i++)
        {
            ptr[i + 1] = ptr[i] + counts[i];
        }
        return ptr;
    }
}

/// <summary>Orders ids numerically when both are integers, otherwise ordinally: "2" before "10".</summary>
internal sealed class IdComparer : IComparer<string>
{
    public static readonly IdComparer Instance = new();

    public int Compare(string? x, string? y)
    {
        var xn = long.TryParse(x, out var xv);
        var yn = long.TryParse(y, out var yv);
        if (xn && yn)
        {
            return xv.CompareTo(yv);
        }
        if (xn != yn)
        {
            return xn ? -1 : 1;
        }
        return string.CompareOrdinal(x, y);
    }
}
