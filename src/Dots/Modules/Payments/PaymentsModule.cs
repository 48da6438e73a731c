using Dots.Infrastructure.Events;
using Dots.Infrastructure.Jobs;
using Dots.Infrastructure.Http;
using Dots.Infrastructure;
using Dots.Modules.Catalog;
using Dots.Modules.Identity;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Dots.Modules.Payments;

/// <summary>Registration and HTTP surface of the Payments module.</summary>
public static class PaymentsModule
{
    public static IServiceCollection AddPayments(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<PaymentsOptions>().Bind(configuration.GetSection("Payments"))
            .Validate(o => o.CommissionRate is >= 0 and < 1, "Payments:CommissionRate must be at least 0 and less than 1.")
            .Validate(o => o.SettlementDelay >= TimeSpan.Zero, "Payments:SettlementDelay must not be negative.")
            .Validate(o => o.DefaultHoldDuration > TimeSpan.Zero, "Payments:DefaultHoldDuration must be positive.")
            .Validate(o => o.ReconcileAfter > TimeSpan.Zero, "Payments:ReconcileAfter must be positive.")
            .ValidateOnStart();
        services.AddSingleton<SandboxFaults>();
        services.AddSingleton<IPaymentProvider, SandboxPaymentProvider>();
        services.AddDomainEvent<PaymentRefunded>();
        services.AddEventHandler<PaymentReleaseRefused, RefusedReleaseRetry>();
        services.AddScoped<PaymentService>();
        services.AddScoped<PayoutLedger>();
        var payoutDay = configuration.GetValue("Payments:PayoutDay", DayOfWeek.Monday);
        services.AddDotsJobs(configuration, jobs => jobs
            .Recurring<PaymentsMaintenanceJob>(PaymentsMaintenanceJob.Name, "30 * * * * ?", "Voids expired holds and reconciles provider calls left open.")
            .Recurring<WeeklyPayoutJob>(WeeklyPayoutJob.Name, WeeklyPayoutJob.Cron(payoutDay), "Pays every shop its settled balance, once per ISO week."));
        return services;
    }

    public static WebApplication MapPayments(this WebApplication app)
    {
        var payments = app.MapGroup("/api/payments").WithTags("Payments").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        payments.MapGet("/{intentId}", GetPayment)
            .WithName("GetPayment").WithSummary("A payment with its attempts, for its payer only (404 for anyone else).")
            .ProducesProblem(StatusCodes.Status404NotFound);

        app.MapGet("/api/shops/{shopId}/payout-runs", ShopPayouts).WithTags("Seller").RequireAuthorization()
            .WithName("ShopPayoutRuns").WithSummary("The shop's balance and the payouts it was paid, newest first (the shop's owner only).")
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);

        var ops = app.MapGroup("/api/ops/payouts").WithTags("Operations").RequireAuthorization(p => p.RequireRole(Roles.Operator))
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden);
        ops.MapPost("/run", RunPayouts)
            .WithName("RunPayouts").WithSummary("Pays every shop its settled balance now (operators only).")
            .ProducesValidationProblem();
        ops.MapGet("/runs", RecentRuns)
            .WithName("RecentPayoutRuns").WithSummary("The latest payout runs, newest first (operators only).");
        app.MapGet("/api/ops/payments/attention", PaymentsNeedingAttention).WithTags("Operations").RequireAuthorization(p => p.RequireRole(Roles.Operator))
            .ProducesProblems(StatusCodes.Status401Unauthorized, StatusCodes.Status403Forbidden)
            .WithName("PaymentsNeedingAttention")
            .WithSummary("Holds the provider refused to release and refunds it refused, until they are settled, oldest first (operators only).");
        // The operators' page's button (/ops/payments): a plain form post answered with a redirect (ADR 0008).
        // It reads no form, so the antiforgery check is asked for explicitly (as for the other body-less web actions).
        app.MapPost("/ops/payments/payouts", RunPayoutsFromPage).ExcludeFromDescription().RequireAntiforgeryToken();
        return app;
    }

    private static async Task<Results<Ok<PaymentIntentDto>, NotFound>> GetPayment(string intentId, PaymentService payments, HttpContext http, CancellationToken ct) =>
        await payments.GetForPayerAsync(intentId, http.User.UserId(), ct) is { } intent ? TypedResults.Ok(intent) : TypedResults.NotFound();

    private static async Task<Ok<ShopPayoutsDto>> ShopPayouts(string shopId, PayoutLedger ledger, CatalogService catalog, HttpContext http, CancellationToken ct)
    {
        await catalog.RequireOwnedShopAsync(shopId, http.User.UserId(), ct);
        return TypedResults.Ok(new ShopPayoutsDto(await ledger.BalanceAsync(shopId, ct), await ledger.PayoutsOfShopAsync(shopId, ct)));
    }

    private static async Task<Created<PayoutRunDto>> RunPayouts(RunPayoutsRequest? request, PayoutLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        var run = await ledger.RunPayoutsAsync(request?.AsOf ?? clock.GetUtcNow(), ct, "operator")
            ?? throw new InvalidOperationException("A run without a period always runs.");
        return TypedResults.Created($"/api/ops/payouts/runs/{run.Id}", run);
    }

    private static async Task<IResult> RunPayoutsFromPage(HttpContext http, PayoutLedger ledger, TimeProvider clock, CancellationToken ct)
    {
        if (http.User.Identity?.IsAuthenticated != true)
        {
            return Results.LocalRedirect("/account/login?ReturnUrl=%2Fops%2Fpayments");
        }
        if (!http.User.IsInRole(Roles.Operator))
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only operators can run payouts.",
                detail: "Payouts to shops are run by the platform's operators (and by the weekly job).");
        }
        await ledger.RunPayoutsAsync(clock.GetUtcNow(), ct, "operator");
        return Results.LocalRedirect("/ops/payments?toast=payouts-ran");
    }

    private static async Task<Ok<IReadOnlyList<PaymentAttentionDto>>> PaymentsNeedingAttention(PaymentService payments, CancellationToken ct) =>
        TypedResults.Ok(await payments.NeedingAttentionAsync(ct));

    private static async Task<Ok<IReadOnlyList<PayoutRunDto>>> RecentRuns(PayoutLedger ledger, CancellationToken ct) =>
        TypedResults.Ok(await ledger.RecentRunsAsync(20, ct));
}
