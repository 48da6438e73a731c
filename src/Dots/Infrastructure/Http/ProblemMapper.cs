using Microsoft.AspNetCore.Mvc;

namespace Dots.Infrastructure.Http;

/// <summary>Maps the platform's exceptions to RFC 9457 problems; shared by the exception handler and idempotent replays.</summary>
public static class ProblemMapper
{
    public static ProblemDetails? TryMap(Exception exception) => exception switch
    {
        RequestValidationException v => new HttpValidationProblemDetails(v.Errors)
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more fields are invalid.",
            Detail = v.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        },
        BadHttpRequestException b => new ProblemDetails
        {
            Status = b.StatusCode,
            Title = b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "The request body is too large." : "The request could not be read.",
            Detail = b.InnerException is System.Text.Json.JsonException json ? $"{b.Message} {json.Message}" : b.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        },
        ConflictException c => WithExtensions(new ProblemDetails
        {
            Status = StatusCodes.Status409Conflict,
            Title = "The request conflicts with the current state.",
            Detail = c.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.10",
        }, c.Extensions),
        NotFoundException n => new ProblemDetails
        {
            Status = StatusCodes.Status404NotFound,
            Title = "Not found.",
            Detail = n.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5",
        },
        ForbiddenException f => new ProblemDetails
        {
            Status = StatusCodes.Status403Forbidden,
            Title = "Not allowed.",
            Detail = f.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.4",
        },
        PaymentDeclinedException p => new ProblemDetails
        {
            Status = StatusCodes.Status402PaymentRequired,
            Title = "The payment was declined.",
            Detail = p.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.3",
        },
        ServiceUnavailableException u => new ProblemDetails
        {
            Status = StatusCodes.Status503ServiceUnavailable,
            Title = "A service this request needs did not answer; nothing is lost.",
            Detail = u.Message,
            Type = "https://tools.ietf.org/html/rfc9110#section-15.6.4",
            Extensions = { ["retryAfter"] = u.RetryAfterSeconds },
        },
        _ => null,
    };

    private static ProblemDetails WithExtensions(ProblemDetails problem, IDictionary<string, object?> extensions)
    {
        foreach (var (key, value) in extensions)
        {
            problem.Extensions[key] = value;
        }
        return problem;
    }
}
