using System.ComponentModel.DataAnnotations;

namespace Dots.Modules.Demand;

/// <summary>Section "Demand" (docs/configuration.md).</summary>
public sealed class DemandOptions
{
    /// <summary>Events accepted but not yet written that the instance holds at most; past it ingestion answers 429.</summary>
    [Range(100, 10_000_000)] public int QueueCapacity { get; set; } = 100_000;

    /// <summary>Most events written in one database transaction.</summary>
    [Range(1, 100_000)] public int MaxBatchRows { get; set; } = 20_000;

    /// <summary>Most events in one POST /api/events.</summary>
    [Range(1, 10_000)] public int MaxEventsPerRequest { get; set; } = 500;

    /// <summary>How long POST /api/events waits for its batch to be durable before answering 202 with it only queued.</summary>
    [Range(0, 60_000)] public int AckWaitMilliseconds { get; set; } = 2_000;

    /// <summary>Requests per second to POST /api/events per signed-in user or client address (token bucket).</summary>
    [Range(1, 1_000_000)] public int RequestsPerSecond { get; set; } = 20;

    /// <summary>Burst of requests a client may make at once.</summary>
    [Range(1, 1_000_000)] public int RequestBurst { get; set; } = 60;

    /// <summary>Oldest "at" a client event may carry; older events are rejected.</summary>
    [Range(1, 24 * 365)] public int MaxEventAgeHours { get; set; } = 24 * 7;

    /// <summary>Cron (Quartz, UTC) of the nightly forecast job: 17:30 UTC is 02:30 in Seoul, after the shops' day has closed.</summary>
    [Required] public string ForecastCron { get; set; } = "0 30 17 * * ?";

    /// <summary>Days of daily demand forecast.</summary>
    [Range(7, 366)] public int ForecastDays { get; set; } = 56;

    /// <summary>
    /// Time zone (IANA id) whose local days the daily roll-ups, forecasts and dashboards count in — the shops' zone.
    /// A zone without daylight saving time (days step by 24 hours).
    /// </summary>
    [Required] public string TimeZone { get; set; } = "Asia/Seoul";

    /// <summary>The resolved <see cref="TimeZone"/> (UTC when it names no zone; the options validation rejects that at start).</summary>
    public TimeZoneInfo Zone => TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    /// <summary>Days of history each forecast reads at most.</summary>
    [Range(28, 3650)] public int HistoryDays { get; set; } = 365;
}
