using System.CommandLine;
using System.Globalization;
using Dots.Infrastructure.Database;
using Dots.Modules.Payments;

namespace Dots.Cli;

/// <summary>`dots payouts run [--as-of ISO]`: pays every shop its settled balance, as the weekly job does.</summary>
internal static class PayoutsCommands
{
    public static Command Create()
    {
        var payouts = new Command("payouts", "Shop payouts.");
        var asOf = new Option<string?>("--as-of")
        {
            Description = "Pay out as of this instant (ISO 8601, e.g. 2026-12-07T00:00:00+09:00); default now. Sales older than Payments:SettlementDelay before it are paid.",
        };
        var run = new Command("run", "Pay every shop its settled balance (refunds netted), once per line, and print one line per shop paid.") { TreatUnmatchedTokensAsErrors = false };
        run.Options.Add(asOf);
        run.SetAction(async (parse, ct) =>
        {
            DateTimeOffset? at = null;
            if (parse.GetValue(asOf) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed))
                {
                    Console.Error.WriteLine($"error: --as-of '{text}' is not an ISO 8601 date or instant.");
                    return 2;
                }
                at = parsed;
            }
            await using var app = DotsApp.Build(DotsCli.HostArgs(parse));
            await using var scope = app.Services.CreateAsyncScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
            var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
            var result = await scope.ServiceProvider.GetRequiredService<PayoutLedger>().RunPayoutsAsync(at ?? clock.GetUtcNow(), ct, "cli");
            foreach (var payout in result!.Payouts)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{payout.ShopId}\t{payout.Amount.Amount} {payout.Amount.Currency}\t({payout.Entries} entries)"));
            }
            var totals = result.Totals.Count == 0 ? "nothing" : string.Join(", ", result.Totals.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Amount} {t.Currency}")));
            Console.WriteLine($"Paid {result.Payouts.Count} shops: {totals} (run {result.Id}, sales settled before {result.SettledBefore:O}).");
            return 0;
        });
        payouts.Subcommands.Add(run);
        return payouts;
    }
}
