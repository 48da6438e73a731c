using Dots.Recommend.Data;

namespace Dots.Recommend.Models;

/// <summary>
/// Personal re-purchase frequency with recency decay: score(i) = Σ over the user's baskets containing i of
/// decay^(baskets since). decay = 1 is the GP-TopFreq count; lower values favour what was bought lately.
/// </summary>
internal sealed class RepeatModel(float decay) : IScoringModel
{
    public string Name => $"repeat";

    public ReasonKind Reason => ReasonKind.BuyAgain;

    public float Decay { get; } = decay;

    public void Score(UserHistory history, Span<float> scores)
    {
        var w = 1f;
        for (var g = history.GroupCount - 1; g >= 0; g--)
        {
            foreach (var i in history.Group(g))
            {
                if (i < scores.Length)
                {
                    scores[i] += w;
                }
            }
            w *= Decay;
        }
    }

    public int Explain(UserHistory history, int item) => history.Items.Contains(item) ? item : -1;
}

/// <summary>
/// Personal frequency times the item's re-purchase propensity: milk is bought again, a frying pan rarely.
/// propensity(i) = (repeat events of i + 1) / (events of i + 2 / prior), where a repeat event is a basket with
/// i from a user who already bought i; estimated on the training data only.
/// </summary>
internal sealed class RebuyModel : IScoringModel
{
    private readonly RepeatModel _frequency;
    private readonly float[] _propensity;

    public RebuyModel(TrainingData data, float decay, float smoothing = 5f)
    {
        _frequency = new RepeatModel(decay);
        var repeats = new int[data.ItemCount];
        foreach (var h in data.Histories)
        {
            var seen = new HashSet<int>();
            for (var g = 0; g < h.GroupCount; g++)
            {
                foreach (var i in h.Group(g))
                {
                    if (!seen.Add(i))
                    {
                        repeats[i]++;
                    }
                }
            }
        }
        var total = data.EventCount.Sum();
        var prior = total > 0 ? (float)repeats.Sum() / total : 0f;
        _propensity = new float[data.ItemCount];
        for (var i = 0; i < _propensity.Length; i++)
        {
            _propensity[i] = (repeats[i] + (smoothing * prior)) / (data.EventCount[i] + smoothing);
        }
    }

    public string Name => "rebuy";

    public ReasonKind Reason => ReasonKind.BuyAgain;

    public void Score(UserHistory history, Span<float> scores)
    {
        var own = new float[scores.Length];
        _frequency.Score(history, own);
        for (var i = 0; i < own.Length; i++)
        {
            if (own[i] > 0f)
            {
                scores[i] += own[i] * _propensity[i];
            }
        }
    }

    public int Explain(UserHistory history, int item) => _frequency.Explain(history, item);
}
