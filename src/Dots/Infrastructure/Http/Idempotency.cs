using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dots.Infrastructure.Database;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Dots.Infrastructure.Http;

/// <summary>
/// Idempotency-Key handling for requests that move money: the first response (success or client error) is stored
/// with a hash of the request, and every retry with the same key and body gets exactly that response back.
/// The record is claimed with an insert under a unique key, so two racing retries cannot both run.
/// </summary>
public sealed class Idempotency(DotsDbContext db, TimeProvider clock, IOptions<JsonOptions> json)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>The request's Idempotency-Key, or null when the client sent none.</summary>
    public static string? KeyOf(HttpContext http) => http.Request.Headers[Header].ToString() is { Length: > 0 } key ? key : null;

    public async Task<IResult> RunAsync<TResponse>(
        HttpContext http, string scope, object request, Func<Task<(int Status, TResponse Body, string? Location)>> action)
    {
        var ct = http.RequestAborted;
        var key = KeyOf(http);
        if (key is null)
        {
            var (status, body, location) = await action();
            return Respond(http, status, JsonSerializer.Serialize(body, json.Value.SerializerOptions), "application/json", location, replayed: false);
        }
        if (key.Length > MaxKeyLength)
        {
            throw new RequestValidationException(Header, $"The {Header} header must be at most {MaxKeyLength} characters.");
        }

        var userId = http.User.UserId();
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, json.Value.SerializerOptions))));
        var record = new IdempotencyRecord { UserId = userId, Scope = scope, Key = key, RequestHash = hash, CreatedAt = clock.GetUtcNow() };
        db.IdempotencyRecords.Add(record);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            var first = await db.IdempotencyRecords.AsNoTracking().FirstAsync(r => r.UserId == userId && r.Scope == scope && r.Key == key, ct);
            if (first.RequestHash != hash)
            {
                throw new ConflictException($"This {Header} was already used with a different request body.");
            }
            if (first.StatusCode is null)
            {
                throw new ConflictException($"A request with this {Header} is still being processed; retry in a moment.");
            }
            var contentType = first.StatusCode >= 400 ? "application/problem+json" : "application/json";
            return Respond(http, first.StatusCode.Value, first.ResponseBody ?? "", contentType, first.Location, replayed: true);
        }

        try
        {
            var (status, body, location) = await action();
            var text = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
            await CompleteAsync(record, status, text, location);
            return Respond(http, status, text, "application/json", location, replayed: false);
        }
        catch (Exception ex) when (ProblemMapper.TryMap(ex) is { } problem)
        {
            // A client error is the request's result too: a retry must see the same answer, not a second attempt.
            // Serialized as its runtime type so a validation problem keeps its per-field `errors`.
            problem.Instance = http.Request.Path;
            var text = JsonSerializer.Serialize(problem, problem.GetType(), json.Value.SerializerOptions);
            await CompleteAsync(record, problem.Status ?? 400, text, null);
            return Respond(http, problem.Status ?? 400, text, "application/problem+json", null, replayed: false);
        }
        catch
        {
            // An unexpected failure leaves no trace, so the client's retry runs again.
            await db.IdempotencyRecords.Where(r => r.UserId == userId && r.Scope == scope && r.Key == key).ExecuteDeleteAsync(CancellationToken.None);
            throw;
        }
    }

    private async Task CompleteAsync(IdempotencyRecord record, int status, string body, string? location)
    {
        // CancellationToken.None: once money has moved, the record of it must be written even if the client hung up.
        await db.IdempotencyRecords
            .Where(r => r.UserId == record.UserId && r.Scope == record.Scope && r.Key == record.Key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.Location, location), CancellationToken.None);
    }

    private static IResult Respond(HttpContext http, int status, string body, string contentType, string? location, bool replayed)
    {
        if (location is not null)
        {
            http.Response.Headers.Location = location;
        }
        if (replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return Results.Content(body, contentType, Encoding.UTF8, status);
    }
}
