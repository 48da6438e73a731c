namespace Dots.Recommend.Sparse;

/// <summary>
/// Keeps the k best (index, score) pairs seen so far in a min-heap: O(n log k) selection without sorting
/// the catalog. Equal scores prefer the lower index, which is the more popular item.
/// </summary>
internal sealed class TopKHeap(int capacity)
{
    private readonly int[] _idx = new int[Math.Max(capacity, 1)];
    private readonly float[] _val = new float[Math.Max(capacity, 1)];
    private int _count;

    public int Capacity { get; } = capacity;

    public int Count => _count;

    public void Clear() => _count = 0;

    // "a is worse than b": lower score, or same score and higher index.
    private static bool Worse(float va, int ia, float vb, int ib) => va < vb || (va == vb && ia > ib);

    public void Offer(int index, float value)
    {
        if (Capacity <= 0)
        {
            return;
        }
        if (_count < Capacity)
        {
            var i = _count++;
            _idx[i] = index;
            _val[i] = value;
            while (i > 0)
            {
                var p = (i - 1) >> 1;
                if (!Worse(_val[i], _idx[i], _val[p], _idx[p]))
                {
                    break;
                }
                Swap(i, p);
                i = p;
            }
            return;
        }
        if (!Worse(_val[0], _idx[0], value, index))
        {
            return;
        }
        _idx[0] = index;
        _val[0] = value;
        SiftDown(0, _count);
    }

    private void SiftDown(int i, int n)
    {
        while (true)
        {
            var l = (2 * i) + 1;
            if (l >= n)
            {
                return;
            }
            var r = l + 1;
            var m = r < n && Worse(_val[r], _idx[r], _val[l], _idx[l]) ? r : l;
            if (!Worse(_val[m], _idx[m], _val[i], _idx[i]))
            {
                return;
            }
            Swap(i, m);
            i = m;
        }
    }

    private void Swap(int a, int b)
    {
        (_idx[a], _idx[b]) = (_idx[b], _idx[a]);
        (_val[a], _val[b]) = (_val[b], _val[a]);
    }

    /// <summary>Best first; empties the heap.</summary>
    public int[] DrainDescending()
    {
        var n = _count;
        var result = new int[n];
        for (var k = n - 1; k >= 0; k--)
        {
            result[k] = _idx[0];
            _count--;
            _idx[0] = _idx[_count];
            _val[0] = _val[_count];
            SiftDown(0, _count);
        }
        _count = 0;
        return result;
    }

    /// <summary>Contents sorted by index (for CSR rows); empties the heap.</summary>
    public (int[] Cols, float[] Vals) ToArraysByIndex()
    {
        var cols = _idx.AsSpan(0, _count).ToArray();
        var vals = _val.AsSpan(0, _count).ToArray();
        Array.Sort(cols, vals);
        _count = 0;
        return (cols, vals);
    }

    /// <summary>Top k indices of <paramref name="scores"/>, best first, skipping entries that are not finite.</summary>
    public static int[] Select(ReadOnlySpan<float> scores, int k, float minExclusive = float.NegativeInfinity)
    {
        var heap = new TopKHeap(Math.Min(k, scores.Length));
        for (var i = 0; i < scores.Length; i++)
        {
            var v = scores[i];
            if (v > minExclusive && !float.IsNaN(v) && !float.IsNegativeInfinity(v))
            {
                heap.Offer(i, v);
            }
        }
        return heap.DrainDescending();
    }
}
