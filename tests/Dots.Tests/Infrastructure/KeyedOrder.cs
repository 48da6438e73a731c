using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Dots.Tests.Infrastructure;

/// <summary>
/// One client's order as a crash or scale-out test sends it: <c>POST /api/orders</c> with its own Idempotency-Key, sent
/// again with the same key until it gets a final answer — 201, 402, or a 409 that is not "still being processed" — as a
/// real client retries a dropped connection, a 502 from the proxy, a 503 or an answer still in progress.
/// </summary>
public sealed class KeyedOrder(HttpClient buyer, string key, object body)
{
    public HttpClient Buyer { get; } = buyer;

    public string Key { get; } = key;

    /// <summary>The final answer's status, once there is one.</summary>
    public HttpStatusCode? Final { get; private set; }

    public DateTime AnsweredAt { get; private set; }

    /// <summary>The order of a 201.</summary>
    public string? OrderId { get; private set; }

    /// <summary>The last answer or transport error (for failure messages).</summary>
    public string? LastAnswer { get; private set; }

    /// <summary>Sends the request once to <paramref name="server"/>; true when it got a final answer.</summary>
    public async Task<bool> TryAsync(Uri server)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server, "/api/orders")) { Content = JsonContent.Create(body) };
        request.Headers.Add("Idempotency-Key", Key);
        try
        {
            using var response = await Buyer.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            LastAnswer = $"{(int)response.StatusCode} {text[..Math.Min(200, text.Length)]}";
            var inProgress = response.StatusCode == HttpStatusCode.Conflict && text.Contains("\"inProgress\"", StringComparison.Ordinal);
            if (response.StatusCode is HttpStatusCode.Created or HttpStatusCode.PaymentRequired || response.StatusCode == HttpStatusCode.Conflict && !inProgress)
            {
                Final = response.StatusCode;
                AnsweredAt = DateTime.UtcNow;
                OrderId = response.StatusCode == HttpStatusCode.Created ? (string?)JsonNode.Parse(text)!["id"] : null;
                return true;
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            LastAnswer = e.GetType().Name + ": " + e.Message;
        }
        return false;
    }

    /// <summary>Sends it, and again with its key every <paramref name="pause"/> (default 250 ms), until it is answered or <paramref name="deadline"/> passes.</summary>
    public async Task<bool> RetryUntilAnsweredAsync(Uri server, DateTime deadline, TimeSpan? pause = null)
    {
        while (Final is null)
        {
            if (await TryAsync(server))
            {
                return true;
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(pause ?? TimeSpan.FromMilliseconds(250));
        }
        return true;
    }

    /// <summary>Fails with the last answers of the orders that never got a final one (and <paramref name="context"/>, e.g. a server's log tail).</summary>
    public static void AssertAllAnswered(IReadOnlyCollection<KeyedOrder> orders, string? context = null)
    {
        var unanswered = orders.Where(p => p.Final is null).Select(p => p.LastAnswer).ToList();
        Assert.True(unanswered.Count == 0, $"{unanswered.Count} requests never got a final answer: {string.Join(" | ", unanswered.Take(5))}\n{context}");
        Assert.All(orders, p => Assert.Contains(p.Final!.Value, new[] { HttpStatusCode.Created, HttpStatusCode.PaymentRequired, HttpStatusCode.Conflict }));
    }
}
