namespace Dots.Web.Components.Shared;

public sealed record ChartPoint(string Label, decimal Value);

public enum ChartKind
{
    Bar,
    Line,
}
