using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Dots.Infrastructure.Http;

/// <summary>
/// `ForwardedHeaders`: which reverse proxies may tell us the client's address (X-Forwarded-For) and scheme
/// (X-Forwarded-Proto). Default: none, and the headers are ignored — a client talking to an instance directly can
/// never choose the address its rate limits are keyed on. Behind `dots proxy` or nginx, list the proxy's address
/// (ADR 0022, docs/deploy.md).
/// </summary>
public sealed class ProxyTrustOptions
{
    /// <summary>Addresses of trusted proxies, e.g. ["10.0.0.2"].</summary>
    public List<string> KnownProxies { get; set; } = [];

    /// <summary>Networks of trusted proxies in CIDR notation, e.g. ["10.0.0.0/24"].</summary>
    public List<string> KnownNetworks { get; set; } = [];

    public bool TrustsAnyone => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

public static class ProxyTrust
{
    public static IServiceCollection AddProxyTrust(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProxyTrustOptions>().BindConfiguration("ForwardedHeaders")
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "ForwardedHeaders:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "ForwardedHeaders:KnownNetworks must be CIDR networks such as 10.0.0.0/24.")
            .ValidateOnStart();
        var trust = configuration.GetSection("ForwardedHeaders").Get<ProxyTrustOptions>() ?? new ProxyTrustOptions();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // ASP.NET Core trusts loopback by default; we trust exactly what is configured.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in trust.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }
            foreach (var network in trust.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(network, out var parsed))
                {
                    o.KnownIPNetworks.Add(parsed);
                }
            }
            // Walk X-Forwarded-For from the right while the hop that sent it is trusted (a chain of known proxies),
            // and stop at the first address we do not trust: everything left of it is the client's to invent.
            o.ForwardLimit = null;
        });
        return services;
    }

    /// <summary>Rewrites the connection's remote address and scheme from trusted proxies' headers; nothing when none is trusted.</summary>
    public static IApplicationBuilder UseProxyTrust(this IApplicationBuilder app)
    {
        var trust = app.ApplicationServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProxyTrustOptions>>().Value;
        return trust.TrustsAnyone ? app.UseForwardedHeaders() : app;
    }

    /// <summary>The partition key of per-client limits: the signed-in user, else the client's address (the real one behind a trusted proxy).</summary>
    public static string ClientAddressKey(this HttpContext http) => "ip:" + http.Connection.RemoteIpAddress;
}
