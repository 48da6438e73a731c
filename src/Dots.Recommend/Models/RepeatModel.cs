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
