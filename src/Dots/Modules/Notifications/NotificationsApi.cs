using Dots.Infrastructure;
using Dots.Infrastructure.Events;
using Dots.Infrastructure.Seeding;
using Dots.Modules.Ordering;
using Dots.Modules.Payments;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Dots.Modules.Notifications;

/// <summary>Registration and HTTP surface of the Notifications module.</summary>
public static class NotificationsApi
{
    public static IServiceCollection AddNotifications(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NotificationsOptions>().Bind(configuration.GetSection("Notifications")).ValidateOnStart();
        services.AddSingleton<IValidateOptions<NotificationsOptions>, NotificationsOptionsValidator>();
        services.AddSingleton<NotificationKindRegistry>();
        services.AddSingleton<NotificationTextRenderer>();
        services.AddSingleton<NotificationEmailComposer>();
        services.AddSingleton<MailDirectory>();
        services.AddSingleton<FileEmailSender>();
        services.AddSingleton<SmtpEmailSender>();
        services.AddSingleton<IEmailSender>(sp => sp.GetRequiredService<IOptions<NotificationsOptions>>().Value.Email.Mode == EmailMode.Smtp
            ? sp.GetRequiredService<SmtpEmailSender>()
            : sp.GetRequiredService<FileEmailSender>());
        services.AddScoped<NotificationService>();
        services.AddEventHandler<NotificationEmailQueued, SendNotificationEmail>();

        // What this module tells users about today; other modules' kinds are added the same way (docs/architecture.md).
        services.AddNotificationKind(new NotificationKind(NotificationKinds.OrderPaid, "Order confirmed"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.OrderCancelled, "Order cancelled"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.PaymentRefunded, "Refunds"));
        services.AddEventHandler<OrderPaid, NotifyOrderPaid>();
        services.AddEventHandler<OrderCancelled, NotifyOrderCancelled>();
        services.AddEventHandler<PaymentRefunded, NotifyPaymentRefunded>();
        // Co-creation: comments and offers to the author, outcomes to everyone involved, production to backers, royalties.
        services.AddNotificationKind(new NotificationKind(NotificationKinds.IdeaComment, "New comments on my ideas"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.IdeaProposal, "Offers to produce my ideas"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.CampaignOutcome, "Campaign results"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.ProductionUpdate, "Production updates", EmailByDefault: false));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.RoyaltyEarned, "Royalties earned", EmailByDefault: false));
        services.AddEventHandler<Dots.Modules.CoCreation.IdeaCommented, NotifyIdeaCommented>();
        services.AddEventHandler<Dots.Modules.CoCreation.ProposalReceived, NotifyProposalReceived>();
        services.AddEventHandler<Dots.Modules.CoCreation.CampaignSettled, NotifyCampaignSettled>();
        services.AddEventHandler<Dots.Modules.CoCreation.ProductionUpdatePosted, NotifyProductionUpdate>();
        services.AddEventHandler<Dots.Modules.CoCreation.RoyaltyEarned, NotifyRoyaltyEarned>();
        // Delivery and store pickup: the parcel's way to the door, or the desk.
        services.AddNotificationKind(new NotificationKind(NotificationKinds.DeliveryProgress, "Delivery progress"));
        services.AddNotificationKind(new NotificationKind(NotificationKinds.PickupReady, "Ready for pickup"));
        services.AddEventHandler<Dots.Modules.Delivery.OutForDelivery, NotifyOutForDelivery>();
        services.AddEventHandler<Dots.Modules.Delivery.Delivered, NotifyDelivered>();
        services.AddEventHandler<Dots.Modules.Delivery.DeliveryFailed, NotifyDeliveryFailed>();
        services.AddEventHandler<Dots.Modules.Stores.PickupReady, NotifyPickupReady>();
        services.AddDemoSeed<NotificationsDemoSeed>();
        return services;
    }

    /// <summary>Declares a kind users can switch on and off (in-app, e-mail) on their preferences page.</summary>
    public static IServiceCollection AddNotificationKind(this IServiceCollection services, NotificationKind kind)
    {
        services.AddSingleton(kind);
        return services;
    }

    public static IEndpointRouteBuilder MapNotifications(this IEndpointRouteBuilder app)
    {
        app.MapNotificationsWebActions();
        var me = app.MapGroup("/api/me").WithTags("Notifications").RequireAuthorization()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        me.MapGet("/notifications", List).WithName("ListNotifications")
            .WithSummary("The caller's notifications, newest first, with the unread count")
            .WithDescription("Titles and bodies are in the caller's notification language (`GET /api/me/notification-preferences`).")
            .ProducesValidationProblem();
        me.MapGet("/notifications/unread-count", UnreadCount).WithName("UnreadNotificationCount")
            .WithSummary("How many of the caller's notifications are unread (what the bell shows)");
        me.MapPost("/notifications/{id}/read", MarkRead).WithName("MarkNotificationRead")
            .WithSummary("Mark one notification read")
            .WithDescription("Marking it again is harmless; another user's notification is 404.")
            .ProducesProblem(StatusCodes.Status404NotFound);
        me.MapPost("/notifications/read-all", MarkAllRead).WithName("MarkAllNotificationsRead")
            .WithSummary("Mark every notification of the caller read");
        me.MapGet("/notification-preferences", GetPreferences).WithName("GetNotificationPreferences")
            .WithSummary("The caller's notification language and, for every kind, whether it comes in-app and by e-mail");
        me.MapPut("/notification-preferences", PutPreferences).WithName("UpdateNotificationPreferences")
            .WithSummary("Change the notification language and/or some kinds' channels")
            .WithDescription("Only what the body names changes (`{\"language\":\"en\",\"kinds\":[{\"kind\":\"order.paid\",\"email\":false}]}`); "
                + "400 for an unknown kind or a language other than `ko` and `en`.")
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge);
        return app;
    }

    private static async Task<Ok<NotificationPageDto>> List(NotificationService notifications, HttpContext http, int? page, int? pageSize, CancellationToken ct) =>
        TypedResults.Ok(await notifications.ListAsync(http.User.UserId(), page, pageSize, null, ct));

    private static async Task<Ok<UnreadCountDto>> UnreadCount(NotificationService notifications, HttpContext http, CancellationToken ct)
    {
        // Polled by every open page's bell: never cached by the browser or a proxy.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new UnreadCountDto(await notifications.UnreadCountAsync(http.User.UserId(), ct)));
    }

    private static async Task<Ok<NotificationDto>> MarkRead(string id, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await notifications.MarkReadAsync(http.User.UserId(), id, null, ct));

    private static async Task<Ok<UnreadCountDto>> MarkAllRead(NotificationService notifications, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await notifications.MarkAllReadAsync(http.User.UserId(), ct));

    private static async Task<Ok<NotificationPreferencesDto>> GetPreferences(NotificationService notifications, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await notifications.GetPreferencesAsync(http.User.UserId(), null, ct));

    private static async Task<Ok<NotificationPreferencesDto>> PutPreferences(UpdateNotificationPreferencesRequest request, NotificationService notifications, HttpContext http, CancellationToken ct) =>
        TypedResults.Ok(await notifications.UpdatePreferencesAsync(http.User.UserId(), request, null, ct));
}

/// <summary>Names every wrong <c>Notifications</c> setting at start, not just the first.</summary>
internal sealed class NotificationsOptionsValidator : IValidateOptions<NotificationsOptions>
{
    public ValidateOptionsResult Validate(string? name, NotificationsOptions options)
    {
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
