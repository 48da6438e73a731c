namespace Dots.Recommend.Sparse;

/// <summary>
/// A sparse square matrix in CSR form: row i holds item i's pruned neighbours, columns ascending so a
/// single entry can be found by binary search when explaining a recommendation.
/// </summary>
internal sealed class SparseRows(int[] ptr, int[] cols, float[] vals)
{
    public int[] Ptr { get; } = ptr;

    public int[] Cols { get; } = cols;

    public float[] Vals { get; } = vals;

    public int RowCount => Ptr.Length - 1;

    public long NonZeros => Cols.Length;

    public ReadOnlySpan<int> RowCols(int row) => Cols.AsSpan(Ptr[row], Ptr[row + 1] - Ptr[row]);

    public ReadOnlySpan<float> RowVals(int row) => Vals.AsSpan(Ptr[row], Ptr[row + 1] - Ptr[row]);

    public float Get(int row, int col)
    {
        var at = RowCols(row).BinarySearch(col);
        return at >= 0 ? Vals[Ptr[row] + at] : 0f;
    }

    /// <summary>scores[j] += weight * M[row, j] for every stored j.</summary>
    public void AddRow(int row, float weight, Span<float> scores)
    {
        var cols = RowCols(row);
        var vals = RowVals(row);
        for (var k = 0; k < cols.Length; k++)
        {
            scores[cols[k]] += weight * vals[k];
        }
    }

    /// <summary>
    /// Builds a row-pruned matrix in parallel: <paramref name="fill"/> accumulates row i's dense values into a
    /// scratch array and lists the touched columns; only the <paramref name="topK"/> largest positive values survive.
    /// Memory stays O(rows × topK), never rows × rows.
    /// </summary>
    public static SparseRows BuildPruned(int rows, int topK, Action<int, float[], List<int>> fill)
    {
        var rowCols = new int[rows][];
        var rowVals = new float[rows][];
        Parallel.For(0, rows, Dots.Recommend.Serving.TrainingScope.Options,
            () => (Acc: new float[rows], Touched: new List<int>(), Heap: new TopKHeap(topK)),
            (row, _, scratch) =>
            {
                fill(row, scratch.Acc, scratch.Touched);
                scratch.Heap.Clear();
                foreach (var c in scratch.Touched)
                {
                    var v = scratch.Acc[c];
                    scratch.Acc[c] = 0f;
                    if (c != row && v > 0f && float.IsFinite(v))
                    {
                        scratch.Heap.Offer(c, v);
                    }
                }
                scratch.Touched.Clear();
                var (cols, vals) = scratch.Heap.ToArraysByIndex();
                rowCols[row] = cols;
                rowVals[row] = vals;
                return scratch;
            },
            _ => { });
        var ptr = new int[rows + 1];
        for (var r = 0; r < rows; r++)
        {
            ptr[r + 1] = ptr[r] + rowCols[r].Length;
        }
        var allCols = new int[ptr[^1]];
        var allVals = new float[ptr[^1]];
        for (var r = 0; r < rows; r++)
        {
            rowCols[r].CopyTo(allCols, ptr[r]);
            rowVals[r].CopyTo(allVals, ptr[r]);
        }
        return new SparseRows(ptr, allCols, allVals);
    }
}
