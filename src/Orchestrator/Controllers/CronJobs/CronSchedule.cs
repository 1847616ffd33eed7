using System.Diagnostics.CodeAnalysis;

namespace Orchestrator.Controllers;

/// <summary>
/// A parsed CronJob schedule, with the syntax and semantics Kubernetes gives <c>spec.schedule</c> (robfig/cron's standard
/// parser): five fields <c>minute hour day-of-month month day-of-week</c>, or a descriptor. Immutable and thread-safe.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each field is a comma-separated list of <c>*</c> (or <c>?</c>), a value, or a range <c>a-b</c>, each optionally
/// with a step: <c>*/15</c>, <c>1-10/3</c>; <c>5/15</c> means <c>5-max/15</c>. Ranges are minute 0-59, hour 0-23, day of
/// month 1-31, month 1-12 or <c>JAN</c>-<c>DEC</c>, day of week 0-6 (Sunday is 0) or <c>SUN</c>-<c>SAT</c>; names are
/// case-insensitive. As in Kubernetes, 7 is not a day of week.</item>
/// <item>Descriptors: <c>@yearly</c> and <c>@annually</c> (<c>0 0 1 1 *</c>), <c>@monthly</c>, <c>@weekly</c> (Sunday),
/// <c>@daily</c> and <c>@midnight</c>, <c>@hourly</c>, and <c>@every &lt;duration&gt;</c> (a Go duration, whole seconds,
/// at least one), which runs that long after the previous time.</item>
/// <item>Day of month and day of week: when both are restricted (neither starts with <c>*</c> or <c>?</c>), a day matches
/// if <em>either</em> matches, as in standard cron: <c>0 0 13 * FRI</c> runs on every 13th and every Friday. A field
/// written <c>*/2</c> counts as restricted, as in robfig/cron.</item>
/// <item>A time zone in the schedule (<c>TZ=…</c> or <c>CRON_TZ=…</c>) is rejected, as Kubernetes' validation does:
/// use <c>spec.timeZone</c>.</item>
/// <item>Times are computed on the wall clock of the zone passed to <see cref="Next(DateTimeOffset, TimeZoneInfo)"/>: a
/// time that does not exist (skipped when clocks go forward) is skipped; successive times follow the wall clock, so when
/// clocks go back the repeated hour does not fire again.</item>
/// </list>
/// </remarks>
/// <example>
/// <code>
/// var schedule = CronSchedule.Parse("30 2 * * MON-FRI");
/// var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
/// DateTimeOffset? next = schedule.Next(DateTimeOffset.UtcNow, paris); // the next weekday at 02:30 in Paris
/// </code>
/// </example>
public sealed class CronSchedule
{
    /// <summary>How far <see cref="Next(DateTimeOffset, TimeZoneInfo)"/> looks ahead before it concludes the schedule never fires.</summary>
    public const int MaxYearsAhead = 10;

    private readonly ulong _minutes;
    private readonly ulong _hours;
    private readonly ulong _days;
    private readonly ulong _months;
    private readonly ulong _daysOfWeek;
    private readonly bool _dayStar;
    private readonly TimeSpan? _every;

    private CronSchedule(string expression, CronScheduleParser.Result parsed)
    {
        Expression = expression;
        _minutes = parsed.Minutes;
        _hours = parsed.Hours;
        _days = parsed.Days;
        _months = parsed.Months;
        _daysOfWeek = parsed.DaysOfWeek;
        _dayStar = ((parsed.Days | parsed.DaysOfWeek) & CronScheduleParser.StarBit) != 0;
        _every = parsed.Every;
    }

    /// <summary>The expression this schedule was parsed from.</summary>
    public string Expression { get; }

    /// <summary>For <c>@every</c> schedules, the interval; otherwise null.</summary>
    public TimeSpan? Interval => _every;

    /// <summary>Parses <paramref name="expression"/>; see the type's remarks for the syntax.</summary>
    /// <exception cref="ArgumentNullException"><paramref name="expression"/> is null.</exception>
    /// <exception cref="CronFormatException">The expression is invalid; the message names the field and position.</exception>
    public static CronSchedule Parse(string expression) => new(expression, CronScheduleParser.Parse(expression));

    /// <summary>Parses like <see cref="Parse"/>; returns false with the error instead of throwing.</summary>
    public static bool TryParse(string? expression, [NotNullWhen(true)] out CronSchedule? schedule, out CronFormatException? error)
    {
        schedule = null;
        error = null;
        if (expression is null)
        {
            error = new CronFormatException("", null, 0, "empty spec string");
            return false;
        }
        try
        {
            schedule = Parse(expression);
            return true;
        }
        catch (CronFormatException e)
        {
            error = e;
            return false;
        }
    }

    /// <summary>The first time strictly after <paramref name="after"/> that the schedule fires, in UTC wall-clock terms.</summary>
    public DateTimeOffset? Next(DateTimeOffset after) => Next(after, TimeZoneInfo.Utc);

    /// <summary>
    /// The first time strictly after <paramref name="after"/> at which the schedule fires on the wall clock of
    /// <paramref name="timeZone"/>, with that zone's offset; null when it never fires within <see cref="MaxYearsAhead"/>
    /// years (for example <c>0 0 30 2 *</c>). Minute-based schedules fire at whole minutes; <c>@every</c> schedules fire the
    /// interval after <paramref name="after"/> (truncated to whole seconds).
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="timeZone"/> is null.</exception>
    public DateTimeOffset? Next(DateTimeOffset after, TimeZoneInfo timeZone)
    {
        ArgumentNullException.ThrowIfNull(timeZone);
        if (_every is { } every)
        {
            var truncated = new DateTimeOffset(after.Ticks - after.Ticks % TimeSpan.TicksPerSecond, after.Offset);
            return TimeZoneInfo.ConvertTime(truncated + every, timeZone);
        }

        var local = TimeZoneInfo.ConvertTime(after, timeZone).DateTime;
        var wall = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified).AddMinutes(1);
        var lastYear = Math.Min(9998, wall.Year + MaxYearsAhead);
        while (wall.Year <= lastYear)
        {
            if (!Has(_months, wall.Month))
            {
                wall = new DateTime(wall.Year, wall.Month, 1, 0, 0, 0, DateTimeKind.Unspecified).AddMonths(1);
                continue;
            }
            if (!DayMatches(wall))
            {
                wall = wall.Date.AddDays(1);
                continue;
            }
            if (!Has(_hours, wall.Hour))
            {
                wall = wall.Date.AddHours(wall.Hour + 1);
                continue;
            }
            if (!Has(_minutes, wall.Minute) || timeZone.IsInvalidTime(wall))
            {
                wall = wall.AddMinutes(1);
                continue;
            }
            if (At(wall, timeZone, after) is { } found) return found;
            wall = wall.AddMinutes(1);
        }
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => Expression;

    /// <summary>The instant of wall-clock time <paramref name="wall"/> in <paramref name="zone"/> after <paramref name="after"/>, or null.</summary>
    private static DateTimeOffset? At(DateTime wall, TimeZoneInfo zone, DateTimeOffset after)
    {
        if (!zone.IsAmbiguousTime(wall))
        {
            var instant = new DateTimeOffset(wall, zone.GetUtcOffset(wall));
            return instant > after ? instant : null;
        }
        // Occurs twice: the larger offset is the earlier instant; take the first occurrence still after 'after'.
        foreach (var offset in zone.GetAmbiguousTimeOffsets(wall).OrderByDescending(o => o))
        {
            var instant = new DateTimeOffset(wall, offset);
            if (instant > after) return instant;
        }
        return null;
    }

    private bool DayMatches(DateTime day)
    {
        var dom = Has(_days, day.Day);
        var dow = Has(_daysOfWeek, (int)day.DayOfWeek);
        return _dayStar ? dom && dow : dom || dow;
    }

    private static bool Has(ulong bits, int value) => (bits & (1UL << value)) != 0;
}
