using System.CommandLine;

namespace Dots.Cli;

internal static class BenchCheckoutCommand
{
    public static Command Create() => new("checkout", "Flash sale: N concurrent buyers, one hot SKU, through the real HTTP stack.");
}
