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

    /// <summary>PostgreSQL: days ahead (beyond today, local days of <see cref="TimeZone"/>) the partition job keeps a day partition of the raw event table ready.</summary>
    [Range(1, 366)] public int PartitionDaysAhead { get; set; } = 7;

    /// <summary>
    /// PostgreSQL: local days of raw events kept; older day partitions are detached and dropped by the partition job.
    /// 0 (the default) keeps every day. Roll-ups are kept either way, but <c>dots demand rebuild</c> can only rebuild
    /// what the raw events still hold, so set this only with a rebuild window in mind.
    /// </summary>
    [Range(0, 36_500)] public int PartitionRetentionDays { get; set; }

    /// <summary>Cron (Quartz, UTC) of the partition job (PostgreSQL): hourly at minute 7.</summary>
    [Required] public string PartitionCron { get; set; } = "0 7 * * * ?";

    /// <summary>Days of history each forecast reads at most.</summary>
    [Range(28, 3650)] public int HistoryDays { get; set; } = 365;
}
