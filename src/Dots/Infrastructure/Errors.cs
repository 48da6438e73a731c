namespace Dots.Infrastructure;

/// <summary>A client's mistake in the request: becomes 400 with the field errors.</summary>
public sealed class RequestValidationException(IDictionary<string, string[]> errors, string? detail = null)
    : Exception(detail ?? "One or more fields are invalid.")
{
    public IDictionary<string, string[]> Errors { get; } = errors;

    public RequestValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] }, message)
    {
    }
}

/// <summary>A business rule the current state forbids (out of stock, already shipped): 409.</summary>
public sealed class ConflictException(string message, IDictionary<string, object?>? extensions = null) : Exception(message)
{
    public IDictionary<string, object?> Extensions { get; } = extensions ?? new Dictionary<string, object?>();
}

/// <summary>Not found, or not the caller's to see: 404 either way, so nothing leaks.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Authenticated but not allowed to change this resource: 403.</summary>
public sealed class ForbiddenException(string message) : Exception(message);

/// <summary>The payment gateway declined: 402.</summary>
public sealed class PaymentDeclinedException(string message) : Exception(message);

/// <summary>
/// A service the request depends on (the payment provider) did not answer: 503 with <c>Retry-After</c>. Not a final
/// answer: an idempotent request is not stored with it, so a retry with the same key resumes the operation.
/// </summary>
public class ServiceUnavailableException(string message, TimeSpan retryAfter, Exception? inner = null) : Exception(message, inner)
{
    public TimeSpan RetryAfter { get; } = retryAfter;

    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

/// <summary>Collects field errors so a request reports all its mistakes at once.</summary>
public sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        list.Add(message);
        return this;
    }

    public Validation Require(bool condition, string field, string message) => condition ? this : Add(field, message);

    public Validation RequireText(string? value, string field, int maxLength, string? label = null)
    {
        label ??= field;
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, $"The {label} is required.");
        }
        return value.Length > maxLength ? Add(field, $"The {label} must be at most {maxLength} characters.") : this;
    }

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new RequestValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray()));
        }
    }
}
