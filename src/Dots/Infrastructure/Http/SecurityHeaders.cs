namespace Dots.Infrastructure.Http;

/// <summary>
/// Headers every response carries, static files and uploaded media included: no framing by other sites
/// (<c>frame-ancestors 'none'</c> — Blazor's interactive pages set their own <c>'self'</c> — and
/// <c>X-Frame-Options: SAMEORIGIN</c> for older browsers), no content sniffing, a
/// conservative referrer, and HSTS when the request came over HTTPS (never on plain HTTP, where it would be ignored
/// or, worse, pin a development host).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext http)
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "SAMEORIGIN";
            headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }
            if (http.Request.IsHttps)
            {
                headers.StrictTransportSecurity = "max-age=31536000; includeSubDomains";
            }
            return Task.CompletedTask;
        });
        return next(http);
    }
}
