using Dots.Infrastructure;

namespace Dots.Web;

/// <summary>
/// Field errors for a form, keyed by the API's field names (<c>shippingAddress.city</c>, <c>variants[1].price.amount</c>),
/// so a service's <see cref="RequestValidationException"/> lands next to the field it is about.
/// </summary>
public sealed class FormErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.OrdinalIgnoreCase);

    public bool Any => _errors.Count > 0;

    /// <summary>A message for the whole form (conflicts, declines, anything not about one field).</summary>
    public string? Summary { get; set; }

    public void Clear()
    {
        _errors.Clear();
        Summary = null;
    }

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }
        if (!list.Contains(message))
        {
            list.Add(message);
        }
    }

    /// <summary>Takes the service's errors; <paramref name="rename"/> maps an API field to the form's field name (or null to keep it).</summary>
    public void From(RequestValidationException e, Func<string, string?>? rename = null)
    {
        foreach (var (field, messages) in e.Errors)
        {
            var name = rename?.Invoke(field) ?? field;
            foreach (var m in messages)
            {
                Add(name, m);
            }
        }
        Summary ??= e.Errors.Count > 0 ? null : e.Message;
    }

    /// <summary>Messages for the field itself and for anything nested below it (<c>price</c> also shows <c>price.amount</c>).</summary>
    public IReadOnlyList<string> For(string field) =>
        _errors.Where(e => e.Key.Equals(field, StringComparison.OrdinalIgnoreCase)
                || e.Key.StartsWith(field + ".", StringComparison.OrdinalIgnoreCase))
            .SelectMany(e => e.Value).ToList();

    public bool Has(string field) => For(field).Count > 0;
}
