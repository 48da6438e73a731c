using Dots.Recommend.Data;

namespace Dots.Recommend.Models;

/// <summary>
/// Global popularity (events per item, as the reference "pop"), or "trending" when each event is weighted by
/// how recent it is within its user's history: the fallback for anonymous visitors and the filler everywhere.
/// </summary>
internal sealed class PopularityModel : IScoringModel
{
    private readonly float[] _score;

    public PopularityModel(TrainingData data, float recencyDecay = 1f)
    {
        Name = recencyDecay >= 1f ? "pop" : "trending";
        Reason = recencyDecay >= 1f ? ReasonKind.PopularNow : ReasonKind.Trending;
        _score = new float[data.ItemCount];
        foreach (var h in data.Histories)
        {
            var w = 1f;
            for (var g = h.GroupCount - 1; g >= 0; g--)
            {
                foreach (var i in h.Group(g))
                {
                    _score[i] += w;
                }
                w *= recencyDecay;
            }
        }
    }

    public string Name { get; }

    public ReasonKind Reason { get; }

    internal ReadOnlySpan<float> Scores => _score;

    public void Score(UserHistory history, Span<float> scores)
    {
        for (var i = 0; i < _score.Length; i++)
        {
            scores[i] += _score[i];
        }
    }

    public int Explain(UserHistory history, int item) => -1;
}
