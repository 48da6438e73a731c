namespace Dots.Routing.Search;

/// <summary>
/// Feasible and infeasible sub-populations with HGS diversity management: survivors and parents are
/// chosen by a biased fitness mixing the cost rank with the rank of the contribution to diversity.
/// </summary>
internal sealed class Population(SolverOptions options, Rng rng, Penalties penalties)
{
    private const int EliteCount = 4;
    private const int CloseCount = 5;

    public List<Individual> Feasible { get; } = [];
    public List<Individual> Infeasible { get; } = [];

    public int Count => Feasible.Count + Infeasible.Count;

    public void Add(Individual individual)
    {
        var list = individual.IsFeasible ? Feasible : Infeasible;
        foreach (var other in list)
        {
            double d = individual.BrokenPairs(other);
            InsertSorted(individual.Proximity, (d, other));
            InsertSorted(other.Proximity, (d, individual));
        }
        list.Add(individual);
        Changed(list);
        if (list.Count > options.PopulationSize + options.GenerationSize)
            while (list.Count > options.PopulationSize) RemoveWorst(list);
    }

    public void Clear()
    {
        Feasible.Clear();
        Infeasible.Clear();
        Changed(Feasible);
        Changed(Infeasible);
    }

    // Biased fitness depends on the members (costs and proximities) and, through the costs of infeasible
    // members, on the penalties: it is recomputed only when one of those changed since the last time.
    private bool _feasibleCurrent, _infeasibleCurrent;
    private double _fitnessCapacity = double.NaN, _fitnessTimeWarp = double.NaN;

    private void Changed(List<Individual> list)
    {
        if (ReferenceEquals(list, Feasible)) _feasibleCurrent = false; else _infeasibleCurrent = false;
    }

    /// <summary>Binary tournament on biased fitness over both sub-populations.</summary>
    public Individual SelectParent()
    {
        UpdateBiasedFitness(Feasible);
        UpdateBiasedFitness(Infeasible);
        var a = Pick();
        var b = Pick();
        return a.BiasedFitness < b.BiasedFitness ? a : b;

        Individual Pick()
        {
            int k = rng.Next(Count);
            return k < Feasible.Count ? Feasible[k] : Infeasible[k - Feasible.Count];
        }
    }

    private static void InsertSorted(List<(double Distance, Individual Other)> list, (double Distance, Individual Other) item)
    {
        int lo = 0, hi = list.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) / 2;
            if (list[mid].Distance <= item.Distance) lo = mid + 1; else hi = mid;
        }
        list.Insert(lo, item);
    }

    private void RemoveWorst(List<Individual> list)
    {
        UpdateBiasedFitness(list);
        Individual? worst = null;
        bool worstIsClone = false;
        foreach (var ind in list)
        {
            bool clone = ind.Proximity.Count > 0 && ind.Proximity[0].Distance < 1e-9;
            if (worst == null || (clone && !worstIsClone) || (clone == worstIsClone && ind.BiasedFitness > worst.BiasedFitness))
            {
                worst = ind;
                worstIsClone = clone;
            }
        }
        list.Remove(worst!);
        Changed(list);
        foreach (var ind in list)
        {
            int k = ind.Proximity.FindIndex(t => ReferenceEquals(t.Other, worst));
            if (k >= 0) ind.Proximity.RemoveAt(k);
        }
    }

    private void UpdateBiasedFitness(List<Individual> list)
    {
        bool feasible = ReferenceEquals(list, Feasible);
        if (feasible ? _feasibleCurrent
            : _infeasibleCurrent && _fitnessCapacity == penalties.Capacity && _fitnessTimeWarp == penalties.TimeWarp) return;
        if (feasible) _feasibleCurrent = true;
        else (_infeasibleCurrent, _fitnessCapacity, _fitnessTimeWarp) = (true, penalties.Capacity, penalties.TimeWarp);
        int n = list.Count;
        if (n == 0) return;
        if (n == 1)
        {
            list[0].BiasedFitness = 0;
            return;
        }
        var byCost = list.OrderBy(i => i.Cost(penalties)).ToList();
        var diversity = new (double Div, int CostRank)[n];
        for (int r = 0; r < n; r++) diversity[r] = (-byCost[r].AverageDistanceToClosest(CloseCount), r);
        Array.Sort(diversity, (a, b) => a.Div.CompareTo(b.Div));
        double eliteWeight = 1.0 - Math.Min(EliteCount, n) / (double)n;
        for (int divRank = 0; divRank < n; divRank++)
        {
            int costRank = diversity[divRank].CostRank;
            byCost[costRank].BiasedFitness = costRank / (double)(n - 1) + eliteWeight * divRank / (double)(n - 1);
        }
    }
}
