using System.ComponentModel.DataAnnotations;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dots.Infrastructure.Database;
using Dots.Infrastructure.Jobs;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Quartz;

namespace Dots.Infrastructure.Http;

/// <summary>Idempotency settings (section <c>Idempotency</c>).</summary>
public sealed class IdempotencyOptions
{
    /// <summary>How long a claim's holder may run before a retry takes it over and resumes it (ADR 0021).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long answered claims are kept for replay before the prune job deletes them.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// On PostgreSQL, claims and stored answers of concurrent requests share one statement each (<see cref="IdempotencyBatches"/>).
    /// On by default; off gives each request its own statements.
    /// </summary>
    public bool GroupCommit { get; set; } = true;
}

/// <summary>The stored (or fresh) answer to an idempotent request.</summary>
public sealed record IdempotentResponse(int Status, string Body, string? Location, bool Replayed)
{
    public string ContentType => Status >= 400 ? "application/problem+json" : "application/json";
}

/// <summary>
/// Idempotency-Key handling for requests that move money: the first response (success or client error) is stored
/// with a hash of the request, and every retry with the same key and body gets exactly that response back.
/// The record is claimed with an insert under a unique key, so two racing retries cannot both run. A claim carries
/// a lease: when its holder died (kill -9, a crash), a retry after the lease takes it over and resumes the
/// operation from what it recorded (<see cref="AttachAsync"/>), so every retry gets a final answer (ADR 0021).
/// A claim is never deleted once the operation recorded something money may follow.
/// </summary>
public sealed class Idempotency(DotsDbContext db, IdempotencyBatches batches, TimeProvider clock, IOptions<JsonOptions> json, IOptions<IdempotencyOptions> options)
{
    public const string Header = "Idempotency-Key";
    public const int MaxKeyLength = 200;

    /// <summary>The extension on the 409 a retry gets while the first request still runs (not a final answer).</summary>
    public const string InProgress = "inProgress";

    /// <summary>A stored error answer as the exception that produced it, for callers (web forms) that run through the store.</summary>
    public static Exception ProblemOf(IdempotentResponse response)
    {
        using var problem = System.Text.Json.JsonDocument.Parse(response.Body);
        var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "";
        switch (response.Status)
        {
            case StatusCodes.Status400BadRequest:
                var errors = new Dictionary<string, string[]>();
                if (problem.RootElement.TryGetProperty("errors", out var fields))
                {
                    foreach (var field in fields.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.EnumerateArray().Select(x => x.GetString() ?? "").ToArray();
                    }
                }
                return new RequestValidationException(errors, detail);
            case StatusCodes.Status402PaymentRequired:
                return new PaymentDeclinedException(detail);
            case StatusCodes.Status404NotFound:
                return new NotFoundException(detail);
            default:
                // Kept: the extensions a caller tells conflicts apart by (a delivery night's `code`, …).
                var extensions = new Dictionary<string, object?>();
                foreach (var property in problem.RootElement.EnumerateObject())
                {
                    if (property.Name is not ("type" or "title" or "status" or "detail" or "instance"))
                    {
                        extensions[property.Name] = property.Value.ValueKind == System.Text.Json.JsonValueKind.String ? property.Value.GetString() : property.Value.Clone();
                    }
                }
                return new ConflictException(detail, extensions);
        }
    }

    private (string UserId, string Scope, string Key)? _claim;

    /// <summary>The request's Idempotency-Key, or null when the client sent none.</summary>
    public static string? KeyOf(HttpContext http) => http.Request.Headers[Header].ToString() is { Length: > 0 } key ? key : null;

    /// <summary>The HTTP endpoint's form: answers with the stored or fresh response.</summary>
    public async Task<IResult> RunAsync<TResponse>(
        HttpContext http, string scope, object request, Func<Task<(int Status, TResponse Body, string? Location)>> action,
        Func<string, Task<(int Status, TResponse Body, string? Location)?>>? resume = null)
    {
        var key = KeyOf(http);
        if (key is null)
        {
            var (status, body, location) = await action();
            return Respond(http, new IdempotentResponse(status, JsonSerializer.Serialize(body, json.Value.SerializerOptions), location, Replayed: false));
        }
        var response = await ExecuteAsync(http.User.UserId(), scope, key, request, http.Request.Path, action, resume, http.RequestAborted);
        return Respond(http, response);
    }

    /// <summary>
    /// Runs <paramref name="action"/> once per (user, scope, key): claims the key, runs, stores the answer (a mapped
    /// client error included). A retry of a finished request gets the stored answer; a retry while the first still
    /// runs gets 409 "still being processed"; a retry after the claim's lease ran out takes it over and calls
    /// <paramref name="resume"/> with the resource the first run attached (null from resume, or nothing attached:
    /// run <paramref name="action"/> again). Used by the API and by the web checkout form alike.
    /// </summary>
    public async Task<IdempotentResponse> ExecuteAsync<TResponse>(
        string userId, string scope, string key, object request, string instance,
        Func<Task<(int Status, TResponse Body, string? Location)>> action,
        Func<string, Task<(int Status, TResponse Body, string? Location)?>>? resume, CancellationToken ct)
    {
        if (key.Length > MaxKeyLength)
        {
            throw new RequestValidationException(Header, $"The {Header} header must be at most {MaxKeyLength} characters.");
        }
        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(request, json.Value.SerializerOptions))));
        var now = clock.GetUtcNow();
        var record = new IdempotencyRecord
        {
            UserId = userId, Scope = scope, Key = key, RequestHash = hash, CreatedAt = now, LeaseUntil = now + options.Value.Lease, Attempts = 1,
        };
        string? resumeFrom = null;
        // The claim: an insert that the unique (user, scope, key) turns into "nothing" for every retry — without a
        // unique violation, so no retry makes the database (or EF's log) report an error.
        // A claim that was there for the insert can be gone for the read (its request failed before anything moved
        // and released it): then claim again, a few times at most.
        IdempotencyRecord? first = null;
        for (var round = 0; round < 3 && first is null; round++)
        {
            if (await ClaimAsync(record, ct))
            {
                break;
            }
            first = await db.IdempotencyRecords.AsNoTracking().FirstOrDefaultAsync(r => r.UserId == userId && r.Scope == scope && r.Key == key, ct)
                ?? (round < 2 ? null : throw new ConflictException($"A request with this {Header} is still being processed; retry in a moment.",
                    new Dictionary<string, object?> { [InProgress] = true }));
        }
        if (first is not null)
        {
            if (first.RequestHash != hash)
            {
                throw new ConflictException($"This {Header} was already used with a different request body.");
            }
            if (first.StatusCode is not null)
            {
                return new IdempotentResponse(first.StatusCode.Value, first.ResponseBody ?? "", first.Location, Replayed: true);
            }
            if (!await TakeOverAsync(first, ct))
            {
                throw new ConflictException($"A request with this {Header} is still being processed; retry in a moment.",
                    new Dictionary<string, object?> { [InProgress] = true });
            }
            resumeFrom = first.ResourceId;
        }
        _claim = (userId, scope, key);

        try
        {
            (int Status, TResponse Body, string? Location)? result = null;
            if (resumeFrom is not null && resume is not null)
            {
                result = await resume(resumeFrom);
            }
            var (status, body, location) = result ?? await action();
            var text = JsonSerializer.Serialize(body, json.Value.SerializerOptions);
            await CompleteAsync(status, text, location);
            return new IdempotentResponse(status, text, location, Replayed: false);
        }
        catch (ServiceUnavailableException)
        {
            // Not a final answer (the provider did not answer; money may be on its way): the client gets 503 with
            // Retry-After, and its retry with the same key takes the claim over at once and resumes.
            await ReleaseAsync();
            throw;
        }
        catch (Exception ex) when (ProblemMapper.TryMap(ex) is { } problem)
        {
            // A client error is the request's result too: a retry must see the same answer, not a second attempt.
            // Serialized as its runtime type so a validation problem keeps its per-field `errors`.
            problem.Instance = instance;
            var text = JsonSerializer.Serialize(problem, problem.GetType(), json.Value.SerializerOptions);
            await CompleteAsync(problem.Status ?? 400, text, null);
            return new IdempotentResponse(problem.Status ?? 400, text, null, Replayed: false);
        }
        catch
        {
            await ReleaseAsync();
            throw;
        }
        finally
        {
            _claim = null;
        }
    }

    /// <summary>How long a form submit waits for an earlier submit of the same form key (still running) before giving up with 409.</summary>
    public static readonly TimeSpan FormWait = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The web form's path through the same store as the API (<c>Idempotency-Key</c>): keyed by a key rendered into the
    /// form as a hidden field (<c>web:</c> + that key), so a double submit or a reload of the POST runs the operation
    /// once. A second submit while the first still runs waits for it (up to <see cref="FormWait"/>) and gets its
    /// answer. Returns the stored or fresh success; a stored error comes back as the exception it was
    /// (<see cref="ProblemOf"/>), and a 503 (<see cref="ServiceUnavailableException"/>) propagates unstored, so the form's
    /// next submit with the same key resumes. Used by the checkout and pledge forms.
    /// </summary>
    public async Task<IdempotentResponse> ExecuteFormAsync<TResponse>(
        string userId, string scope, string formKey, object request, string instance,
        Func<Task<(int Status, TResponse Body, string? Location)>> action,
        Func<string, Task<(int Status, TResponse Body, string? Location)?>>? resume, CancellationToken ct)
    {
        var waitUntil = clock.GetUtcNow() + FormWait;
        while (true)
        {
            try
            {
                var response = await ExecuteAsync(userId, scope, "web:" + formKey, request, instance, action, resume, ct);
                return response.Status < 400 ? response : throw ProblemOf(response);
            }
            catch (ConflictException e) when (e.Extensions.ContainsKey(InProgress) && clock.GetUtcNow() < waitUntil)
            {
                db.ChangeTracker.Clear();
                await Task.Delay(TimeSpan.FromMilliseconds(250), ct);
            }
        }
    }

    /// <summary>A stored or fresh success's body as <typeparamref name="T"/> (the API's JSON settings).</summary>
    public T Read<T>(IdempotentResponse response) => JsonSerializer.Deserialize<T>(response.Body, json.Value.SerializerOptions)!;

    /// <summary>
    /// Records, inside the caller's open transaction, what the operation created (an order id): from this commit on,
    /// money may follow, so the claim is never deleted and a takeover resumes from it. A no-op without a claim.
    /// </summary>
    public async Task AttachAsync(string resourceId, CancellationToken ct)
    {
        if (_claim is not { } c)
        {
            return;
        }
        await db.IdempotencyRecords.Where(r => r.UserId == c.UserId && r.Scope == c.Scope && r.Key == c.Key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ResourceId, resourceId), ct);
    }

    /// <summary>
    /// <see cref="AttachAsync"/> without a round trip of its own: stages the update on <paramref name="callerDb"/>, whose
    /// next <c>SaveChanges</c> (inside the caller's open transaction, with the rows it creates) writes it. The claim row
    /// exists (this request inserted it), so the update always finds it. A no-op without a claim.
    /// </summary>
    public void StageAttach(DotsDbContext callerDb, string resourceId)
    {
        if (_claim is not { } c)
        {
            return;
        }
        // The claim's insert may still be tracked (same context): change that instance, else attach a key-only stub.
        // Another context (a combined batch's) never tracks it: looking there (.Local detects changes over every row
        // the batch tracks) would cost a scan per buyer.
        if (ReferenceEquals(callerDb, db) && callerDb.IdempotencyRecords.Local.FirstOrDefault(r => r.UserId == c.UserId && r.Scope == c.Scope && r.Key == c.Key) is { } tracked)
        {
            tracked.ResourceId = resourceId;
            callerDb.Entry(tracked).Property(r => r.ResourceId).IsModified = true;
            return;
        }
        StageAttachStub(callerDb, new IdempotencyClaim(c.UserId, c.Scope, c.Key), resourceId);
    }

    /// <summary>Stages the claim's <c>ResourceId</c> on a key-only stub: the caller's next save updates that one column.</summary>
    private static void StageAttachStub(DotsDbContext callerDb, IdempotencyClaim claim, string resourceId)
    {
        var record = callerDb.IdempotencyRecords.Attach(new IdempotencyRecord { UserId = claim.UserId, Scope = claim.Scope, Key = claim.Key, RequestHash = "" }).Entity;
        record.ResourceId = resourceId;
        callerDb.Entry(record).Property(r => r.ResourceId).IsModified = true;
    }

    /// <summary>The claim this request holds (for <see cref="AttachManyAsync"/>), or null without one.</summary>
    public IdempotencyClaim? Claim => _claim is { } c ? new IdempotencyClaim(c.UserId, c.Scope, c.Key) : null;

    /// <summary>
    /// <see cref="StageAttach"/> for many requests' claims at once (a combined batch of orders), inside the transaction
    /// open on <paramref name="callerDb"/>: on PostgreSQL one <c>UPDATE … FROM unnest</c> now; on SQLite staged for the
    /// caller's next save. Each claim row exists (its request inserted it), so every update finds its row. On
    /// PostgreSQL the rest of the transaction runs on custom plans (<see cref="GenericPlans.UseCustomPlansAsync"/>).
    /// </summary>
    public static async Task AttachManyAsync(DotsDbContext callerDb, IReadOnlyList<(IdempotencyClaim Claim, string ResourceId)> attaches, CancellationToken ct)
    {
        if (attaches.Count == 0)
        {
            return;
        }
        if (callerDb.Provider != DatabaseProvider.Postgres)
        {
            foreach (var (claim, resourceId) in attaches)
            {
                StageAttachStub(callerDb, claim, resourceId);
            }
            return;
        }
        // The join also restricts the key columns by = ANY(…), so rows are found through the primary key whatever
        // join the planner picks on a young table; and it is planned with its own arrays each time, never on the generic
        // plan that reads all of each user's claims (GenericPlans.ForKeyPrefixStatements). The rest of the caller's
        // transaction stays on custom plans unless it says otherwise.
        await callerDb.Database.UseCustomPlansAsync(ct);
        await using var command = new Npgsql.NpgsqlCommand(
            """
            UPDATE "IdempotencyRecords" AS r SET "ResourceId" = a.resource
            FROM unnest(@users, @scopes, @keys, @resources) AS a(user_id, scope, key, resource)
            WHERE r."UserId" = a.user_id AND r."Scope" = a.scope AND r."Key" = a.key AND r."UserId" = ANY(@users) AND r."Key" = ANY(@keys)
            """, (Npgsql.NpgsqlConnection)callerDb.Database.GetDbConnection());
        command.Parameters.AddWithValue("users", attaches.Select(a => a.Claim.UserId).ToArray());
        command.Parameters.AddWithValue("scopes", attaches.Select(a => a.Claim.Scope).ToArray());
        command.Parameters.AddWithValue("keys", attaches.Select(a => a.Claim.Key).ToArray());
        command.Parameters.AddWithValue("resources", attaches.Select(a => a.ResourceId).ToArray());
        using var watched = callerDb.Watch("idempotency attach");
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Deletes answered claims older than <c>Idempotency:Retention</c>, and unanswered ones that never recorded anything.</summary>
    public async Task<int> PruneAsync(CancellationToken ct)
    {
        var cutoff = clock.GetUtcNow() - options.Value.Retention;
        return await db.IdempotencyRecords
            .Where(r => r.CreatedAt < cutoff && (r.StatusCode != null || r.ResourceId == null))
            .ExecuteDeleteAsync(ct);
    }

    /// <summary>Takes over an unanswered claim whose lease ran out: one compare-and-set on its attempt count, so one retry wins.</summary>
    private async Task<bool> TakeOverAsync(IdempotencyRecord first, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (first.LeaseUntil is { } until && until > now)
        {
            return false;
        }
        var attempts = first.Attempts;
        var lease = now + options.Value.Lease;
        var taken = await db.IdempotencyRecords
            .Where(r => r.UserId == first.UserId && r.Scope == first.Scope && r.Key == first.Key && r.StatusCode == null && r.Attempts == attempts)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, lease).SetProperty(r => r.Attempts, attempts + 1), ct);
        return taken == 1;
    }

    /// <summary>Inserts the claim unless its key exists (one statement, or a share of one on PostgreSQL): true when this request holds it now.</summary>
    private async Task<bool> ClaimAsync(IdempotencyRecord record, CancellationToken ct)
    {
        // Inside a caller's transaction the claim must commit with it: its own statement on its context.
        if (batches.Enabled && db.Database.CurrentTransaction is null)
        {
            // Not abandoned when the client hangs up: a claim its batch inserted anyway simply waits out its lease.
            return await batches.ClaimAsync(record);
        }
        return await db.InsertOrIgnoreAsync([record], ct) > 0;
    }

    private async Task CompleteAsync(int status, string body, string? location)
    {
        var (userId, scope, key) = _claim!.Value;
        if (batches.Enabled && db.Database.CurrentTransaction is null)
        {
            await batches.AnswerAsync(new IdempotencyBatches.Answer(userId, scope, key, status, body, location));
            return;
        }
        // CancellationToken.None: once money has moved, the record of it must be written even if the client hung up.
        await db.IdempotencyRecords
            .Where(r => r.UserId == userId && r.Scope == scope && r.Key == key)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.StatusCode, status).SetProperty(r => r.ResponseBody, body).SetProperty(r => r.Location, location)
                .SetProperty(r => r.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
    }

    /// <summary>
    /// After an unexpected failure: a claim that recorded nothing is deleted (the retry runs afresh); one that did is
    /// kept with its lease ended, so the next retry resumes it at once.
    /// </summary>
    private async Task ReleaseAsync()
    {
        var (userId, scope, key) = _claim!.Value;
        db.ChangeTracker.Clear();
        var claim = db.IdempotencyRecords.Where(r => r.UserId == userId && r.Scope == scope && r.Key == key);
        await claim.Where(r => r.ResourceId == null).ExecuteDeleteAsync(CancellationToken.None);
        var now = clock.GetUtcNow();
        await claim.Where(r => r.ResourceId != null && r.StatusCode == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.LeaseUntil, now), CancellationToken.None);
    }

    public static IResult Respond(HttpContext http, IdempotentResponse response)
    {
        if (response.Location is not null)
        {
            http.Response.Headers.Location = response.Location;
        }
        if (response.Replayed)
        {
            http.Response.Headers["Idempotent-Replayed"] = "true";
        }
        return Results.Content(response.Body, response.ContentType, Encoding.UTF8, response.Status);
    }
}

/// <summary>Deletes old answered idempotency claims (daily); unanswered claims that may have moved money are kept.</summary>
[DisallowConcurrentExecution]
internal sealed class IdempotencyPruneJob(Idempotency idempotency) : IJob
{
    public const string Name = "idempotency.prune";

    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken) => await idempotency.PruneAsync(cancellationToken);
}

public static class IdempotencySetup
{
    public static IServiceCollection AddIdempotency(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>().BindConfiguration("Idempotency").ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<Idempotency>();
        services.AddSingleton<IdempotencyBatches>();
        services.AddDotsJobs(configuration, jobs => jobs.Recurring<IdempotencyPruneJob>(
            IdempotencyPruneJob.Name, "0 45 3 * * ?", "Deletes answered idempotency claims older than Idempotency:Retention (7 days)."));
        return services;
    }
}

/// <summary>The key of one request's idempotency claim (its primary key in <c>IdempotencyRecords</c>).</summary>
public readonly record struct IdempotencyClaim(string UserId, string Scope, string Key);
