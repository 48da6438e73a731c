using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dots.Forecast;
using Dots.Forecast.Data;

namespace Dots.Cli;

/// <summary>`dots forecast ...`: the front of Dots.Forecast.</summary>
internal static class ForecastCommands
{
    private const int BadInput = 2;

    public static Command Create()
    {
        var command = new Command("forecast", "Demand forecasting on wide CSV series files (id,v1,...,vn per line; header, quotes and ragged rows allowed).");
        command.Subcommands.Add(CreatePredict());
        command.Subcommands.Add(CreateEval());
        return command;
    }

    private static string MethodHelp() =>
        "auto (backtest-chosen combination) or one of: " + string.Join(", ", Forecaster.MethodNames);

    private static Command CreatePredict()
    {
        var train = new Option<string>("--train") { Description = "History file, wide CSV: id,v1,...,vn.", Required = true };
        var horizon = new Option<int>("--horizon") { Description = "Steps to forecast (>= 1).", Required = true };
        var season = new Option<int>("--season") { Description = "Season length (1 = none, 7 daily-weekly, 12 monthly, 52 weekly-yearly).", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--out") { Description = "Forecast file, wide CSV id,f1,...,fh, one row per input series in input order (mean forecast).", Required = true };
        var method = new Option<string>("--method") { Description = MethodHelp(), DefaultValueFactory = _ => "auto" };
        var quantiles = new Option<string?>("--quantiles")
        {
            Description = "Comma-separated quantile levels, e.g. 0.1,0.5,0.9. Each level q goes to its own wide CSV beside --out, "
                + "named by inserting .q<level> before the extension: --out fc.csv gives fc.q0.1.csv, fc.q0.5.csv, fc.q0.9.csv.",
        };
        var loss = LossOption();
        var cmd = new Command("predict", "Forecast every series of a wide CSV and write the forecasts in the same wide form.");
        foreach (var o in new Option[] { train, horizon, season, output, method, quantiles, loss })
            cmd.Options.Add(o);
        cmd.SetAction(parse => Guard(() =>
        {
            var options = BuildOptions(parse.GetValue(horizon), parse.GetValue(season), parse.GetValue(method)!, parse.GetValue(quantiles), parse.GetValue(loss));
            string trainPath = parse.GetValue(train)!, outPath = parse.GetValue(output)!;
            var series = WideCsv.Read(trainPath);
            var clock = Stopwatch.StartNew();
            var results = Run(series.Select(s => s.Values).ToArray(), options, "forecasting");
            WideCsv.Write(outPath, series.Select((s, i) => (s.Id, results[i].Mean)));
            for (int q = 0; q < options.Quantiles.Count; q++)
            {
                string path = QuantilePath(outPath, options.Quantiles[q]);
                WideCsv.Write(path, series.Select((s, i) => (s.Id, results[i].Quantiles[q])));
            }
            Console.Error.WriteLine($"wrote {series.Count} forecasts of {options.Horizon} steps to {outPath}"
                + (options.Quantiles.Count > 0 ? $" and {options.Quantiles.Count} quantile files" : "")
                + $" in {clock.Elapsed.TotalSeconds:F1} s");
            return 0;
        }));
        return cmd;
    }

    private static Option<string> LossOption() => new("--loss")
    {
        Description = "What the automatic choice minimises in its backtest: 'absolute' (scaled MAE; suits MASE/sMAPE) or 'squared' (scaled RMSE; suits RMSSE and mean demand).",
        DefaultValueFactory = _ => "absolute",
    };

    /// <summary>fc.csv + 0.1 -> fc.q0.1.csv; a path without extension gets the suffix appended.</summary>
    internal static string QuantilePath(string outPath, double level)
    {
        string ext = Path.GetExtension(outPath);
        string stem = ext.Length > 0 ? outPath[..^ext.Length] : outPath;
        return $"{stem}.q{level.ToString("0.###", CultureInfo.InvariantCulture)}{(ext.Length > 0 ? ext : ".csv")}";
    }

    private static Command CreateEval()
    {
        var train = new Option<string>("--train") { Description = "History file, wide CSV.", Required = true };
        var test = new Option<string>("--test") { Description = "The next h values of the same ids, wide CSV; h is taken from it.", Required = true };
        var season = new Option<int>("--season") { Description = "Season length for the models and the MASE scale (M4 weekly uses 1).", DefaultValueFactory = _ => 1 };
        var methods = new Option<string>("--methods")
        {
            Description = "Comma-separated methods to score (auto = the automatic choice). " + MethodHelp(),
            DefaultValueFactory = _ => "naive,ses,theta,damped,ets,comb,ses_m5,tsb,adida,imapa,auto",
        };
        var maseSeason = new Option<int?>("--mase-season")
        {
            Description = "Season of the MASE scale and of Naive2 for OWA, when it differs from the models' --season (M4 weekly: --season 52 --mase-season 1). Default: --season.",
        };
        var quantiles = new Option<string?>("--quantiles")
        {
            Description = "Also score quantile forecasts at these levels (e.g. 0.1,0.2,...,0.9): coverage per level and weighted quantile loss (WQL).",
        };
        var intervals = new Option<string?>("--intervals")
        {
            Description = "Also score central prediction intervals of these coverages in percent (e.g. 80,95): the share of actual values inside "
                + "(ideal: the coverage), pooled over the rolling origins of --origins. Adds the quantile levels they need.",
        };
        var origins = new Option<int>("--origins")
        {
            Description = "Rolling origins for the interval coverage: 1 = the official split only; r > 1 adds origins r-1 horizons earlier "
                + "(the training history cut back, the next h values as the test). Accuracy is always reported at the official split.",
            DefaultValueFactory = _ => 1,
        };
        var loss = LossOption();
        var cmd = new Command("eval", "Fit on --train, forecast the length of --test, print sMAPE, MASE, RMSSE, MAE and bias (ME) per method, plus OWA vs Naive2 (M4), with the definitions of the reference scorer.");
        foreach (var o in new Option[] { train, test, season, maseSeason, methods, quantiles, intervals, origins, loss })
            cmd.Options.Add(o);
        cmd.SetAction(parse => Guard(() =>
        {
            var coverages = ParseIntervals(parse.GetValue(intervals));
            int originCount = parse.GetValue(origins);
            if (originCount < 1)
                throw new UsageException($"--origins must be at least 1 (got {originCount})");
            string? quantileLevels = MergeLevels(parse.GetValue(quantiles), coverages);
            string trainPath = parse.GetValue(train)!, testPath = parse.GetValue(test)!;
            int m = parse.GetValue(season);
            int scoreSeason = parse.GetValue(maseSeason) ?? m;
            if (scoreSeason < 1)
                throw new UsageException($"--mase-season must be at least 1 (got {scoreSeason})");
            var trainSeries = WideCsv.Read(trainPath);
            var testSeries = WideCsv.Read(testPath);
            var byId = new Dictionary<string, WideSeries>();
            foreach (var s in trainSeries) byId[s.Id] = s;
            var pairs = new List<(WideSeries Train, WideSeries Test)>();
            foreach (var t in testSeries)
                if (byId.TryGetValue(t.Id, out var s)) pairs.Add((s, t));
            if (pairs.Count == 0)
                throw new WideCsvException($"{testPath}: no id also appears in {trainPath}");
            int h = pairs[0].Test.Values.Length;
            foreach (var p in pairs)
                if (p.Test.Values.Length != h)
                    throw new WideCsvException($"{testPath}: line {p.Test.Line}: series '{p.Test.Id}' has {p.Test.Values.Length} values, expected {h} like the first");
            var names = parse.GetValue(methods)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            var histories = pairs.Select(p => p.Train.Values).ToArray();
            Console.WriteLine($"{pairs.Count} series, horizon {h}, season m={m} (models), m={scoreSeason} (MASE, Naive2)");
            var naive2 = Score(pairs, Run(histories, BuildOptions(h, scoreSeason, "naive2", null, parse.GetValue(loss)), "naive2"), scoreSeason);
            var rows = new List<(string Name, AccuracySummary Acc, double Seconds)>();
            string? choices = null;
            var quantileRows = new List<(string Name, (double[] Below, double Wql) Score)>();
            var coverageRows = new List<(string Name, int Origin, int Series, double[] Inside, int Count)>();
            foreach (string name in names)
            {
                var options = BuildOptions(h, m, name, quantileLevels, parse.GetValue(loss));
                var clock = Stopwatch.StartNew();
                var results = Run(histories, options, name);
                rows.Add((name, Score(pairs, results, scoreSeason), clock.Elapsed.TotalSeconds));
                if (options.Quantiles.Count > 0)
                    quantileRows.Add((name, QuantileScore(pairs, results, options.Quantiles)));
                if (coverages.Count > 0)
                {
                    coverageRows.Add((name, 0, pairs.Count, IntervalScore(pairs.Select(p => p.Test.Values).ToList(), results, coverages), pairs.Count * h));
                    for (int r = 1; r < originCount; r++)
                    {
                        // origin r: each history cut back by r horizons (series left with fewer than 3 values sit out), the next h values as the test
                        var cut = pairs.Select(p => p.Train.Values).Where(v => v.Length - r * h >= 3).ToArray();
                        var past = Run([.. cut.Select(v => v[..^(r * h)])], options, $"{name} origin -{r}");
                        var actual = cut.Select(v => v[(v.Length - r * h)..(v.Length - (r - 1) * h)]).ToList();
                        coverageRows.Add((name, r, cut.Length, IntervalScore(actual, past, coverages), cut.Length * h));
                    }
                }
                if (name.Equals("auto", StringComparison.OrdinalIgnoreCase))
                    choices = string.Join(", ", results.GroupBy(r => r.Method).OrderByDescending(g => g.Count()).Take(6).Select(g => $"{g.Key} ({g.Count()})"));
            }
            Console.WriteLine($"{"method",-11}{"sMAPE",10}{"MASE",10}{"RMSSE",10}{"MAE",10}{"ME",10}{"OWA",8}{"seconds",9}");
            foreach (var (name, acc, seconds) in rows)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{name,-11}{acc.SMape,10:F4}{acc.Mase,10:F4}{acc.Rmsse,10:F4}{acc.Mae,10:F4}{acc.Me,10:F4}{acc.Owa(naive2),8:F3}{seconds,9:F1}"));
            var any = rows.Count > 0 ? rows[0].Acc : naive2;
            Console.WriteLine($"series used: sMAPE={any.Series}, MASE={any.MaseSeries}, RMSSE={any.RmsseSeries}, MAE={any.Series}, ME={any.Series}; OWA relative to naive2 (= naive when m = 1)");
            if (quantileRows.Count > 0)
            {
                var levels = BuildOptions(h, m, "auto", quantileLevels, null).Quantiles;
                Console.WriteLine();
                Console.WriteLine($"{"quantiles",-11}" + string.Concat(levels.Select(q => $"{"<=q" + q.ToString("0.###", CultureInfo.InvariantCulture),10}")) + $"{"WQL",10}");
                foreach (var (name, (below, wql)) in quantileRows)
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-11}") + string.Concat(below.Select(b => b.ToString("F3", CultureInfo.InvariantCulture).PadLeft(10)))
                        + wql.ToString("F4", CultureInfo.InvariantCulture).PadLeft(10));
                Console.WriteLine("<=q: share of actual values at or below the forecast q-quantile (ideal: q); WQL: mean over levels of 2*sum(pinball)/sum|actual| over all series and steps (as Chronos/GluonTS)");
            }
            if (coverageRows.Count > 0)
            {
                Console.WriteLine();
                Console.WriteLine($"{"intervals",-11}{"origin",8}{"series",8}" + string.Concat(coverages.Select(c => $"{"in " + (c * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",10}")));
                foreach (var g in coverageRows.GroupBy(c => c.Name))
                {
                    foreach (var c in g)
                        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Key,-11}{(c.Origin == 0 ? "test" : "-" + c.Origin),8}{c.Series,8}")
                            + string.Concat(c.Inside.Select(x => (x * 100).ToString("F1", CultureInfo.InvariantCulture).PadLeft(10))));
                    int total = g.Sum(c => c.Count);
                    var pooled = coverages.Select((_, i) => g.Sum(c => c.Inside[i] * c.Count) / total).ToArray();
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{g.Key,-11}{"all",8}{"",8}")
                        + string.Concat(pooled.Select(x => (x * 100).ToString("F1", CultureInfo.InvariantCulture).PadLeft(10))));
                }
                Console.WriteLine("in c%: share of actual values inside the central c% interval, [q(1-c)/2, q(1+c)/2], or [0, q(c)] where the lower end is 0 (ideal: c); 'all' pools the origins");
            }
            if (choices is not null)
                Console.WriteLine($"auto's most frequent choices: {choices}");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"peak working set {Process.GetCurrentProcess().PeakWorkingSet64 / (1024.0 * 1024):F0} MiB"));
            return 0;
        }));
        return cmd;
    }

    private static ForecastOptions BuildOptions(int horizon, int season, string method, string? quantiles, string? loss)
    {
        if (horizon < 1)
            throw new UsageException($"--horizon must be at least 1 (got {horizon})");
        if (season < 1)
            throw new UsageException($"--season must be at least 1 (got {season})");
        if (!method.Equals("auto", StringComparison.OrdinalIgnoreCase) && !Forecaster.MethodNames.Contains(method, StringComparer.OrdinalIgnoreCase))
            throw new UsageException($"unknown method '{method}'; use {MethodHelp()}");
        var levels = new List<double>();
        foreach (string part in (quantiles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double q) || !(q > 0 && q < 1))
                throw new UsageException($"--quantiles: '{part}' is not a level strictly between 0 and 1");
            levels.Add(q);
        }
        var lossKind = (loss ?? "absolute").ToLowerInvariant() switch
        {
            "absolute" => SelectionLoss.Absolute,
            "squared" => SelectionLoss.Squared,
            _ => throw new UsageException($"--loss must be 'absolute' or 'squared' (got '{loss}')"),
        };
        return new ForecastOptions { Horizon = horizon, SeasonLength = season, Method = method.ToLowerInvariant(), Quantiles = levels, Loss = lossKind };
    }

    private static ForecastResult[] Run(double[][] histories, ForecastOptions options, string label)
    {
        int total = histories.Length, lastShown = 0;
        var clock = Stopwatch.StartNew();
        var progress = new SyncProgress(done =>
        {
            // at most a line a second on stderr, so long runs show life without flooding logs
            int second = (int)clock.Elapsed.TotalSeconds;
            if (second > lastShown && done < total)
            {
                lastShown = second;
                Console.Error.Write($"\r{label}: {done}/{total} series");
            }
        });
        var results = Forecaster.ForecastMany(histories, options, progress);
        if (lastShown > 0)
            Console.Error.WriteLine($"\r{label}: {total}/{total} series in {clock.Elapsed.TotalSeconds:F1} s");
        return results;
    }

    private static AccuracySummary Score(List<(WideSeries Train, WideSeries Test)> pairs, ForecastResult[] results, int m)
    {
        var rows = new SeriesAccuracy[pairs.Count];
        for (int i = 0; i < pairs.Count; i++)
            rows[i] = Accuracy.Score(pairs[i].Train.Values, pairs[i].Test.Values, results[i].Mean, m);
        return Accuracy.Summarize(rows);
    }

    private static (double[] Below, double Wql) QuantileScore(List<(WideSeries Train, WideSeries Test)> pairs, ForecastResult[] results, IReadOnlyList<double> levels)
    {
        var below = new double[levels.Count];
        var pinball = new double[levels.Count];
        double absSum = 0;
        int count = 0;
        for (int i = 0; i < pairs.Count; i++)
        {
            var actual = pairs[i].Test.Values;
            for (int k = 0; k < actual.Length; k++)
            {
                absSum += Math.Abs(actual[k]);
                count++;
                for (int q = 0; q < levels.Count; q++)
                {
                    double f = results[i].Quantiles[q][k], d = actual[k] - f;
                    if (actual[k] <= f) below[q]++;
                    pinball[q] += d >= 0 ? levels[q] * d : (levels[q] - 1) * d;
                }
            }
        }
        double wql = 0;
        for (int q = 0; q < levels.Count; q++)
        {
            below[q] /= count;
            wql += 2 * pinball[q] / absSum;
        }
        return (below, wql / levels.Count);
    }

    private static List<double> ParseIntervals(string? text)
    {
        var list = new List<double>();
        foreach (string part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double c) || !(c > 0 && c < 100))
                throw new UsageException($"--intervals: '{part}' is not a coverage in percent strictly between 0 and 100");
            list.Add(c / 100);
        }
        return list;
    }

    /// <summary>The --quantiles levels plus those the intervals need, as one comma-separated list.</summary>
    private static string? MergeLevels(string? quantiles, List<double> coverages)
    {
        if (coverages.Count == 0) return quantiles;
        var levels = new List<string>((quantiles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        var values = levels.Select(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN).ToList();
        foreach (double c in coverages)
            foreach (double q in ForecastResult.IntervalLevels(c))
                if (!values.Any(v => Math.Abs(v - q) < 1e-9))
                {
                    values.Add(q);
                    levels.Add(q.ToString("0.######", CultureInfo.InvariantCulture));
                }
        return string.Join(',', levels);
    }

    private static double[] IntervalScore(List<double[]> actual, ForecastResult[] results, List<double> coverages)
    {
        var inside = new double[coverages.Count];
        int count = 0;
        for (int i = 0; i < actual.Count; i++)
        {
            var bands = coverages.Select(c => results[i].Interval(c)).ToArray();
            for (int k = 0; k < actual[i].Length; k++)
            {
                count++;
                for (int c = 0; c < bands.Length; c++)
                    if (actual[i][k] >= bands[c].Lower[k] - 1e-9 && actual[i][k] <= bands[c].Upper[k] + 1e-9) inside[c]++;
            }
        }
        for (int c = 0; c < inside.Length; c++) inside[c] /= Math.Max(1, count);
        return inside;
    }

    /// <summary>Bad input ends in one line on stderr and exit code 2, never a stack trace.</summary>
    private static int Guard(Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is WideCsvException or UsageException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return BadInput;
        }
    }

    private sealed class UsageException(string message) : Exception(message);

    /// <summary>Reports on the calling thread under a lock, unlike Progress&lt;T&gt; which posts to a context.</summary>
    private sealed class SyncProgress(Action<int> report) : IProgress<int>
    {
        private readonly Lock _gate = new();

        public void Report(int value)
        {
            lock (_gate) report(value);
        }
    }
}
