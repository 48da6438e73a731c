using Dots.Recommend.Data;
using Dots.Recommend.Sparse;

namespace Dots.Recommend.Models;

/// <summary>
/// User-based CF on recency-decayed purchase vectors (the idea of TIFU-KNN, Hu et al. 2020): find the
/// users whose decayed baskets look most like this history and add up their vectors. On grocery data it
/// proposes what similar households buy that this one has not tried yet. Neighbours are found per request
/// through the item → users index, so no user × user matrix is ever stored.
/// </summary>
internal sealed class UserKnnModel : IScoringModel
{
    private readonly TrainingData _data;
    private readonly float[] _itemUserWeight; // aligned with data.ItemUsers: user v's normalised weight for item i
    private readonly SparseRows _userVectors;  // user → (item, normalised weight)
    private readonly int _neighbours;
    private readonly float _decay;
    private readonly float _power;

    public UserKnnModel(TrainingData data, int neighbours = 100, float decay = 0.8f, float power = 1f)
    {
        _data = data;
        _neighbours = neighbours;
        _decay = decay;
        _power = power;
        var ptr = new int[data.UserCountTotal + 1];
        var cols = new List<int>(data.UserItems.Length);
        var vals = new List<float>(data.UserItems.Length);
        for (var u = 0; u < data.UserCountTotal; u++)
        {
            var (items, weights) = Vector(data.Histories[u]);
            cols.AddRange(items);
            vals.AddRange(weights);
            ptr[u + 1] = cols.Count;
        }
        _userVectors = new SparseRows(ptr, [.. cols], [.. vals]);
        _itemUserWeight = new float[data.ItemUsers.Length];
        for (var i = 0; i < data.ItemCount; i++)
        {
            var users = data.UsersOf(i);
            for (var x = 0; x < users.Length; x++)
            {
                _itemUserWeight[data.ItemUserPtr[i] + x] = _userVectors.Get(users[x], i);
            }
        }
    }

    public string Name => "userknn";

    public ReasonKind Reason => ReasonKind.CustomersLikeYou;

    private (int[] Items, float[] Weights) Vector(UserHistory h)
    {
        var (items, weights) = HistoryWeights.Of(h, _decay);
        Array.Sort(items, weights);
        var norm = MathF.Sqrt(weights.Sum(w => w * w));
        if (norm > 0f)
        {
            for (var k = 0; k < weights.Length; k++)
            {
                weights[k] /= norm;
            }
        }
        return (items, weights);
    }

    public void Score(UserHistory history, Span<float> scores)
    {
        if (history.IsEmpty || _data.UserCountTotal == 0)
        {
            return;
        }
        var (items, weights) = Vector(history);
        var sim = new Dictionary<int, float>();
        for (var k = 0; k < items.Length; k++)
        {
            var i = items[k];
            if (i >= _data.ItemCount)
            {
                continue;
            }
            var start = _data.ItemUserPtr[i];
            var users = _data.UsersOf(i);
            for (var x = 0; x < users.Length; x++)
            {
                if (users[x] != history.Owner)
                {
                    sim[users[x]] = sim.GetValueOrDefault(users[x]) + (weights[k] * _itemUserWeight[start + x]);
                }
            }
        }
        var heap = new TopKHeap(_neighbours);
        foreach (var (v, s) in sim)
        {
            heap.Offer(v, s);
        }
        foreach (var v in heap.DrainDescending())
        {
            var s = sim[v];
            _userVectors.AddRow(v, _power == 1f ? s : MathF.Pow(s, _power), scores);
        }
    }

    // The neighbours are anonymous; the reason names them as a group.
    public int Explain(UserHistory history, int item) => -1;
}
