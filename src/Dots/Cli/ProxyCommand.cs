using System.CommandLine;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Health;

namespace Dots.Cli;

/// <summary>
/// `dots proxy`: a reverse proxy (YARP) in front of several `dots serve` instances on one PostgreSQL (ADR 0022,
/// docs/deploy.md). Active health checks on `/health` plus passive ones (a backend that refuses connections leaves the
/// rotation at once), WebSockets passed through, cookie session affinity so a Blazor circuit's negotiate and WebSocket
/// reach the instance that holds the circuit, and `X-Forwarded-For/Proto/Host` set (never appended) from the connection
/// the proxy saw, so a client cannot smuggle an address past it.
/// </summary>
internal static class ProxyCommand
{
    public const string AffinityCookie = ".Dots.Affinity";

    public static Command Create()
    {
        var listen = new Option<string>("--listen") { Description = "The URL the proxy listens on.", DefaultValueFactory = _ => "http://localhost:8080" };
        var backends = new Option<string[]>("--backend")
        {
            Description = "A `dots serve` instance's base URL; repeat for each instance (e.g. --backend http://10.0.0.5:5080 --backend http://10.0.0.6:5080).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var healthPath = new Option<string>("--health-path") { Description = "Path probed on every backend; a non-2xx answer takes it out of rotation.", DefaultValueFactory = _ => "/health" };
        var healthInterval = new Option<double>("--health-interval") { Description = "Seconds between active health probes.", DefaultValueFactory = _ => 2 };
        var affinity = new Option<bool>("--affinity")
        {
            Description = $"Cookie session affinity ({AffinityCookie}): a browser stays on one instance, which Blazor's interactive circuits need. On by default.",
            DefaultValueFactory = _ => true,
        };
        var balancing = new Option<string>("--load-balancing") { Description = "YARP load-balancing policy: PowerOfTwoChoices, RoundRobin, LeastRequests, Random.", DefaultValueFactory = _ => "PowerOfTwoChoices" };
        balancing.AcceptOnlyFromAmong("PowerOfTwoChoices", "RoundRobin", "LeastRequests", "Random", "FirstAlphabetical");
        var command = new Command("proxy", "Reverse proxy (YARP) in front of several `dots serve` instances: health checks, WebSockets, session affinity. See docs/deploy.md.")
        {
            listen, backends, healthPath, healthInterval, affinity, balancing,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(async (parse, ct) =>
        {
            var urls = parse.GetValue(backends) ?? [];
            foreach (var url in urls)
            {
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
                {
                    Console.Error.WriteLine($"error: --backend '{url}' is not an http(s) URL.");
                    return 2;
                }
            }
            var interval = parse.GetValue(healthInterval);
            if (interval <= 0)
            {
                Console.Error.WriteLine("error: --health-interval must be positive.");
                return 2;
            }
            var app = Build(parse.GetValue(listen)!, urls, parse.GetValue(healthPath)!, TimeSpan.FromSeconds(interval), parse.GetValue(affinity), parse.GetValue(balancing)!,
                [.. parse.UnmatchedTokens]);
            Console.Error.WriteLine($"dots proxy on {parse.GetValue(listen)} → {string.Join(", ", urls)}");
            await app.RunAsync(ct);
            return 0;
        });
        return command;
    }

    public static WebApplication Build(string listen, IReadOnlyList<string> backends, string healthPath, TimeSpan healthInterval, bool affinity, string balancing, string[] hostArgs)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = hostArgs, ApplicationName = "dots-proxy" });
        builder.WebHost.UseUrls(listen);
        // The proxy streams bodies through; the instances enforce their own limits.
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
        var cluster = new ClusterConfig
        {
            ClusterId = "dots",
            LoadBalancingPolicy = balancing,
            Destinations = backends.Select((url, i) => (url, i)).ToDictionary(d => $"dots{d.i + 1}", d => new DestinationConfig { Address = d.url }),
            HealthCheck = new HealthCheckConfig
            {
                Active = new ActiveHealthCheckConfig
                {
                    Enabled = true,
                    Interval = healthInterval,
                    Timeout = TimeSpan.FromSeconds(Math.Max(1, healthInterval.TotalSeconds)),
                    Policy = HealthCheckConstants.ActivePolicy.ConsecutiveFailures,
                    Path = healthPath,
                },
                Passive = new PassiveHealthCheckConfig
                {
                    Enabled = true,
                    Policy = HealthCheckConstants.PassivePolicy.TransportFailureRate,
                    ReactivationPeriod = TimeSpan.FromSeconds(Math.Max(5, healthInterval.TotalSeconds * 2)),
                },
                AvailableDestinationsPolicy = HealthCheckConstants.AvailableDestinations.HealthyOrPanic,
            },
            SessionAffinity = affinity
                ? new SessionAffinityConfig
                {
                    Enabled = true,
                    Policy = "HashCookie",
                    // A dead instance's browsers move to a live one (their circuit is lost and reconnects; the page reloads).
                    FailurePolicy = "Redistribute",
                    AffinityKeyName = AffinityCookie,
                    Cookie = new SessionAffinityCookieConfig { HttpOnly = true, SameSite = SameSiteMode.Lax, SecurePolicy = CookieSecurePolicy.SameAsRequest, IsEssential = true },
                }
                : null,
            HttpRequest = new Yarp.ReverseProxy.Forwarder.ForwarderRequestConfig { ActivityTimeout = TimeSpan.FromMinutes(2) },
        };
        var route = new RouteConfig
        {
            RouteId = "all",
            ClusterId = "dots",
            Match = new RouteMatch { Path = "{**catch-all}" },
            // Set, never Append: whatever X-Forwarded-* a client sent is replaced by what this proxy saw.
            Transforms = [new Dictionary<string, string> { ["X-Forwarded"] = "Set" }],
        };
        builder.Services.AddReverseProxy().LoadFromMemory([route], [cluster]);
        var app = builder.Build();
        app.MapReverseProxy();
        return app;
    }
}
