using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Which scheduled time a CronJob should run now and when to look again (Kubernetes <c>mostRecentScheduleTime</c>,
/// <c>nextScheduleTime</c> and <c>nextScheduleTimeDuration</c> of <c>cronjob_controllerv2</c>).
/// </summary>
internal static class CronJobScheduling
{
    /// <summary>Above this many missed times Kubernetes warns <c>TooManyMissedTimes</c> (and still runs only the latest).</summary>
    public const int TooManyMissed = 100;

    /// <summary>The outcome of <see cref="MostRecent"/>.</summary>
    /// <param name="Earliest">The time after which scheduled times are unmet: the last schedule time (or creation), moved up to the starting deadline.</param>
    /// <param name="Time">The most recent unmet scheduled time at or before now; null when none.</param>
    /// <param name="Missed">Roughly how many unmet times there are.</param>
    public readonly record struct Unmet(DateTimeOffset Earliest, DateTimeOffset? Time, long Missed);

    /// <summary>
    /// The most recent scheduled time in <c>(earliest, now]</c>, where earliest is the CronJob's <c>lastScheduleTime</c>
    /// (its creation when it never ran), moved up to <c>now - startingDeadlineSeconds</c> when
    /// <paramref name="includeStartingDeadline"/> and that is later: only the latest missed time is ever run.
    /// </summary>
    /// <exception cref="InvalidOperationException">Two consecutive times are less than a second apart.</exception>
    public static Unmet MostRecent(CronJob cronJob, DateTimeOffset? lastScheduleTime, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone,
        bool includeStartingDeadline)
    {
        var earliest = lastScheduleTime ?? cronJob.Metadata.CreationTimestamp ?? now;
        if (includeStartingDeadline && cronJob.Spec.StartingDeadlineSeconds is { } deadline)
        {
            var schedulingDeadline = now.AddSeconds(-deadline);
            if (schedulingDeadline > earliest) earliest = schedulingDeadline;
        }
        if (schedule.Next(earliest, zone) is not { } t1 || now < t1) return new Unmet(earliest, null, 0);
        if (schedule.Next(t1, zone) is not { } t2 || now < t2) return new Unmet(earliest, t1, 1);

        var between = (long)Math.Round((t2 - t1).TotalSeconds);
        if (between < 1) throw new InvalidOperationException("time difference between two schedules is less than 1 second");
        var elapsed = (long)(now - t1).TotalSeconds;
        var missed = elapsed / between + 1;

        // Start a little before the estimated latest time and walk forward; schedules with uneven gaps may need the fallback.
        DateTimeOffset? latest = null;
        var from = t1.AddSeconds((double)(missed - 2) * between);
        for (var t = schedule.Next(from, zone); t is { } at && at <= now; t = schedule.Next(at, zone)) latest = at;
        if (latest is null || latest < t1)
        {
            for (var t = (DateTimeOffset?)t1; t is { } at && at <= now; t = schedule.Next(at, zone)) latest = at;
        }
        return new Unmet(earliest, latest, missed);
    }

    /// <summary>
    /// How long until the next scheduled time after the most recent one (ignoring the starting deadline), given the
    /// (possibly just updated) <paramref name="lastScheduleTime"/>; null when the schedule never fires again.
    /// </summary>
    public static TimeSpan? UntilNext(CronJob cronJob, DateTimeOffset? lastScheduleTime, DateTimeOffset now, CronSchedule schedule, TimeZoneInfo zone)
    {
        DateTimeOffset from;
        try
        {
            var unmet = MostRecent(cronJob, lastScheduleTime, now, schedule, zone, includeStartingDeadline: false);
            from = unmet.Time ?? unmet.Earliest;
        }
        catch (InvalidOperationException)
        {
            from = now;
        }
        return schedule.Next(from, zone) is { } next ? next - now : null;
    }

    /// <summary>The Job name of a scheduled time: <c>&lt;cronjob&gt;-&lt;minutes since the Unix epoch&gt;</c>, the same in every process.</summary>
    public static string JobName(CronJob cronJob, DateTimeOffset scheduled) =>
        $"{cronJob.Metadata.Name}-{(scheduled.ToUnixTimeSeconds() / 60).ToString(CultureInfo.InvariantCulture)}";

    /// <summary>A time as Go's RFC 1123 with numeric zone, in UTC, as Kubernetes' events write it.</summary>
    public static string Rfc1123Z(DateTimeOffset time) =>
        time.UtcDateTime.ToString("ddd, dd MMM yyyy HH:mm:ss '+0000'", CultureInfo.InvariantCulture);
}
