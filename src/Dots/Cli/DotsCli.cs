using System.CommandLine;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Identity;

namespace Dots.Cli;

internal static class DotsCli
{
    /// <summary>Shared by every command that touches data, so `dots seed` finds the same database as `dots serve`.</summary>
    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder for the SQLite database and uploaded media (default ./data, or DOTS_DATA_DIR).",
        Recursive = true,
    };

    /// <summary>Loads the demo marketplace into an empty database even outside Development.</summary>
    public static readonly Option<bool> SeedDemo = new("--seed-demo")
    {
        Description = "Load the demo marketplace (demo accounts with a published password) into an empty database; without it only Development does.",
        Recursive = true,
    };

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Dots: the open-source platform that connects the people who buy with the people who make.\n" +
            "With no command, serves the platform on http://localhost:5080. Host settings pass through, e.g. --urls http://0.0.0.0:8080 " +
            "--Database:Provider=Postgres --ConnectionStrings:Postgres=\"Host=...\".")
        {
            TreatUnmatchedTokensAsErrors = false,
        };
        root.Options.Add(DataDir);
        root.Options.Add(SeedDemo);
        root.SetAction((parse, ct) => ServeAsync(parse, ct));

        var serve = new Command("serve", "Serve the platform (the default).") { TreatUnmatchedTokensAsErrors = false };
        serve.SetAction((parse, ct) => ServeAsync(parse, ct));
        root.Subcommands.Add(serve);

        var seed = new Command("seed", "Create and migrate the database and load the demo marketplace if it is empty.") { TreatUnmatchedTokensAsErrors = false };
        seed.SetAction((parse, ct) => SeedAsync(parse, ct));
        root.Subcommands.Add(seed);

        root.Subcommands.Add(UsersCommand());
        root.Subcommands.Add(RouteCommands.Create());
        root.Subcommands.Add(ForecastCommands.Create());
        root.Subcommands.Add(RecsCommands.Create());
        root.Subcommands.Add(PayoutsCommands.Create());
        root.Subcommands.Add(JobsCommands.Create());
        root.Subcommands.Add(DemandCommands.Create());
        root.Subcommands.Add(ProxyCommand.Create());

        var bench = new Command("bench", "Benchmarks that report ratios against a baseline measured in the same run.");
        bench.Subcommands.Add(BenchCheckoutCommand.Create());
        bench.Subcommands.Add(BenchWebCommand.Create());
        bench.Subcommands.Add(BenchPledgesCommand.Create());
        bench.Subcommands.Add(RouteCommands.CreateBench());
        bench.Subcommands.Add(BenchSearchCommand.Create());
        bench.Subcommands.Add(BenchRecsCommand.Create());
        bench.Subcommands.Add(DemandCommands.CreateBench());
        bench.Subcommands.Add(Dots.Modules.Delivery.DeliveryBench.Create());
        root.Subcommands.Add(bench);
        // Serving is the default, and host settings pass through unclaimed — but a bare first word that names no
        // command is a typo (`dots sevre`), not a request to start the server.
        if (args.Length > 0 && !args[0].StartsWith('-') && !root.Subcommands.Any(c => c.Name == args[0] || c.Aliases.Contains(args[0])))
        {
            Console.Error.WriteLine($"error: unknown command '{args[0]}'.");
            Console.Error.WriteLine("Run 'dots --help' for the commands.");
            return 2;
        }
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            if (parse.CommandResult.Command.Subcommands.Count > 0 && parse.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-')) is { } unknown)
            {
                Console.Error.WriteLine($"error: unknown command '{unknown}'.");
            }
            // A mistyped command line is the user's mistake: say what is wrong and where to look, exit 2 like other bad input.
            foreach (var error in parse.Errors)
            {
                Console.Error.WriteLine($"error: {error.Message}");
            }
            Console.Error.WriteLine($"Run 'dots {string.Join(' ', CommandPath(parse.CommandResult))} --help' for the usage.".Replace("dots  --help", "dots --help", StringComparison.Ordinal));
            return 2;
        }
        return await parse.InvokeAsync();
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult? result)
    {
        var names = new Stack<string>();
        for (var current = result; current is not null && current.Command is not RootCommand; current = current.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Push(current.Command.Name);
        }
        return names;
    }

    /// <summary>Host arguments: the tokens the CLI did not claim, plus the data directory as configuration.</summary>
    public static string[] HostArgs(ParseResult parse)
    {
        var args = parse.UnmatchedTokens.ToList();
        var dataDir = parse.GetValue(DataDir) ?? Environment.GetEnvironmentVariable("DOTS_DATA_DIR");
        if (!string.IsNullOrWhiteSpace(dataDir))
        {
            args.Add($"--DataDir={dataDir}");
        }
        if (parse.GetValue(SeedDemo))
        {
            args.Add("--Seed:Demo=true");
        }
        return [.. args];
    }

    private static async Task<int> ServeAsync(ParseResult parse, CancellationToken ct)
    {
        var app = DotsApp.Build(HostArgs(parse));
        // Migrate before the host starts, so its background services (the key ring) find their tables.
        using (var scope = app.Services.CreateScope())
        {
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
        }
        await app.RunAsync(ct);
        return 0;
    }

    private static async Task<int> SeedAsync(ParseResult parse, CancellationToken ct)
    {
        await using var app = DotsApp.Build(HostArgs(parse));
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<DotsDbContext>();
        Console.Error.WriteLine("Migrating the database…");
        var seeded = false;
        // The same startup lock as `dots serve`: a seed beside starting instances takes its turn (ADR 0022).
        await DatabaseSetup.UnderStartupLockAsync(db, async () =>
        {
            await DatabaseSetup.MigrateAsync(db, ct);
            var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(scope.ServiceProvider);
            await seeder.EnsureReferenceDataAsync(ct);
            var progress = new Progress<string>(step => Console.Error.WriteLine($"Seeding {step}…"));
            seeded = await seeder.SeedIfEmptyAsync(progress, ct);
            await app.Services.RunDemoSeedContributorsAsync(progress, ct);
        }, ct);
        Console.WriteLine(seeded ? "Seeded the demo marketplace." : "The database already has shops; nothing to seed.");
        return 0;
    }

    private static Command UsersCommand()
    {
        var users = new Command("users", "Manage accounts.");
        var grant = new Command("grant", "Grant a role to an account.");
        var role = new Argument<string>("role") { Description = "The role to grant: operator." };
        role.AcceptOnlyFromAmong(Roles.Operator);
        var email = new Argument<string>("email") { Description = "The account's email." };
        grant.Arguments.Add(role);
        grant.Arguments.Add(email);
        grant.TreatUnmatchedTokensAsErrors = false;
        grant.SetAction(async (parse, ct) =>
        {
            await using var app = DotsApp.Build(HostArgs(parse));
            using var scope = app.Services.CreateScope();
            await DatabaseSetup.MigrateAsync(scope.ServiceProvider.GetRequiredService<DotsDbContext>(), ct);
            try
            {
                var message = await scope.ServiceProvider.GetRequiredService<UserAdministration>().GrantAsync(parse.GetValue(email)!, parse.GetValue(role)!, ct);
                Console.WriteLine(message);
                return 0;
            }
            catch (Infrastructure.NotFoundException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }
        });
        users.Subcommands.Add(grant);
        return users;
    }
}
