using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.CronJobs;

public sealed class CronScheduleTests
{
    private static readonly DateTimeOffset NewYear = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero); // a Thursday

    private static IEnumerable<TestCaseData> UtcCases()
    {
        TestCaseData Case(string schedule, DateTimeOffset after, DateTimeOffset? expected, string name) =>
            new TestCaseData(schedule, after, expected).SetName($"Next_{name}");

        yield return Case("*/15 * * * *", NewYear, NewYear.AddMinutes(15), "EveryFifteenMinutes_StrictlyAfter");
        yield return Case("0 * * * *", NewYear.AddSeconds(30), NewYear.AddHours(1), "Hourly_SkipsCurrentHour");
        yield return Case("* * * * *", NewYear.AddSeconds(59.9), NewYear.AddMinutes(1), "EveryMinute_NextWholeMinute");
        yield return Case("30 2 * * MON-FRI", new(2026, 1, 2, 3, 0, 0, TimeSpan.Zero), new(2026, 1, 5, 2, 30, 0, TimeSpan.Zero), "WeekdayNames_SkipWeekend");
        yield return Case("5/15 * * * *", NewYear.AddMinutes(6), NewYear.AddMinutes(20), "StartWithStep_RunsToMax");
        yield return Case("1-10/3 * * * *", NewYear.AddMinutes(7), NewYear.AddMinutes(10), "RangeWithStep");
        yield return Case("0,30 9-17 * * *", new(2026, 1, 1, 17, 30, 0, TimeSpan.Zero), new(2026, 1, 2, 9, 0, 0, TimeSpan.Zero), "ListsAndRanges");
        yield return Case("? ? ? ? ?", NewYear, NewYear.AddMinutes(1), "QuestionMarkIsStar");
        yield return Case("0 12 * jan,Jul sun", new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), new(2026, 7, 5, 12, 0, 0, TimeSpan.Zero), "NamesAreCaseInsensitive");
        yield return Case("@hourly", NewYear.AddMinutes(59), NewYear.AddHours(1), "Hourly");
        yield return Case("@daily", NewYear, NewYear.AddDays(1), "Daily");
        yield return Case("@midnight", NewYear.AddHours(12), NewYear.AddDays(1), "Midnight");
        yield return Case("@weekly", NewYear, new(2026, 1, 4, 0, 0, 0, TimeSpan.Zero), "Weekly_NextSunday");
        yield return Case("@monthly", NewYear, new(2026, 2, 1, 0, 0, 0, TimeSpan.Zero), "Monthly");
        yield return Case("@yearly", NewYear, new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero), "Yearly");
        yield return Case("@annually", NewYear.AddDays(-1), NewYear, "Annually");
        yield return Case("@every 90s", NewYear.AddSeconds(10.5), NewYear.AddSeconds(100), "Every_TruncatesToSeconds");
        // Day of month and day of week both restricted: either matches (standard cron).
        yield return Case("0 0 13 * FRI", NewYear, new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), "DomOrDow_FridayFirst");
        yield return Case("0 0 13 * FRI", new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 13, 0, 0, 0, TimeSpan.Zero), "DomOrDow_ThirteenthOnTuesday");
        // Day of month is *: only the day of week restricts (AND).
        yield return Case("0 0 * * FRI", new(2026, 1, 10, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 16, 0, 0, 0, TimeSpan.Zero), "DomStar_OnlyFridays");
        // */2 is a restriction, as in robfig/cron: OR again.
        yield return Case("0 0 */10 * SAT", new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), new(2026, 1, 3, 0, 0, 0, TimeSpan.Zero), "DomStep_CountsAsRestricted");
        yield return Case("0 0 29 2 *", new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new(2028, 2, 29, 0, 0, 0, TimeSpan.Zero), "LeapDay");
        yield return Case("0 0 30 2 *", NewYear, null, "NeverFires_Null");
    }

    [TestCaseSource(nameof(UtcCases))]
    public void Next_InUtc_ReturnsExpectedTime(string schedule, DateTimeOffset after, DateTimeOffset? expected)
    {
        var next = CronSchedule.Parse(schedule).Next(after, TimeZoneInfo.Utc);

        Assert.That(next, Is.EqualTo(expected));
    }

    private static IEnumerable<TestCaseData> ZoneCases()
    {
        TestCaseData Case(string schedule, string zone, DateTimeOffset after, DateTimeOffset expected, string name) =>
            new TestCaseData(schedule, zone, after, expected).SetName($"Next_{name}");

        // Tokyo is UTC+9 all year.
        yield return Case("0 9 * * *", "Asia/Tokyo", NewYear, new(2026, 1, 2, 0, 0, 0, TimeSpan.Zero), "Tokyo_NineAmIsMidnightUtc");
        // Kolkata is UTC+5:30 all year.
        yield return Case("0 0 * * *", "Asia/Kolkata", NewYear, new(2026, 1, 1, 18, 30, 0, TimeSpan.Zero), "Kolkata_HalfHourOffset");
        // 02:30 does not exist on 8 March 2026 in New York (clocks go from 02:00 to 03:00): skipped.
        yield return Case("30 2 * * *", "America/New_York", new(2026, 3, 7, 12, 0, 0, TimeSpan.FromHours(-5)),
            new(2026, 3, 9, 2, 30, 0, TimeSpan.FromHours(-4)), "NewYork_NonexistentTimeSkipped");
        // 01:30 occurs twice on 1 November 2026; the run after the first one is the next day's.
        yield return Case("30 1 * * *", "America/New_York", new(2026, 11, 1, 1, 30, 0, TimeSpan.FromHours(-4)),
            new(2026, 11, 2, 1, 30, 0, TimeSpan.FromHours(-5)), "NewYork_RepeatedHourRunsOnce");
    }

    [TestCaseSource(nameof(ZoneCases))]
    public void Next_InTimeZone_FollowsWallClock(string schedule, string zone, DateTimeOffset after, DateTimeOffset expected)
    {
        var next = CronSchedule.Parse(schedule).Next(after, TimeZoneInfo.FindSystemTimeZoneById(zone));

        Assert.That(next, Is.EqualTo(expected));
        Assert.That(next!.Value.Offset, Is.EqualTo(TimeZoneInfo.FindSystemTimeZoneById(zone).GetUtcOffset(next.Value)), "the result has the zone's offset");
    }

    [Test]
    public void Next_RepeatedlyInUtc_ListsEveryTime()
    {
        var schedule = CronSchedule.Parse("0 */6 * * *");
        var times = new List<DateTimeOffset>();
        DateTimeOffset? at = NewYear;
        for (var i = 0; i < 5; i++) times.Add((at = schedule.Next(at!.Value))!.Value);

        Assert.That(times.Select(t => t.Hour), Is.EqualTo(new[] { 6, 12, 18, 0, 6 }));
    }

    private static IEnumerable<TestCaseData> InvalidCases()
    {
        TestCaseData Case(string schedule, string? field, int position, string reason, string name) =>
            new TestCaseData(schedule, field, position, reason).SetName($"Parse_{name}");

        yield return Case("", null, 0, "empty spec string", "Empty");
        yield return Case("* * * *", null, 0, "expected exactly 5 fields, found 4", "FourFields");
        yield return Case("* * * * * *", null, 0, "expected exactly 5 fields, found 6", "SixFields");
        yield return Case("60 * * * *", "minute", 0, "end of range (60) above maximum (59)", "MinuteTooLarge");
        yield return Case("  61 * * * *", "minute", 2, "end of range (61) above maximum (59)", "PositionCountsLeadingSpace");
        yield return Case("* 24 * * *", "hour", 2, "end of range (24) above maximum (23)", "HourTooLarge");
        yield return Case("* * 0 * *", "day of month", 4, "beginning of range (0) below minimum (1)", "DayOfMonthZero");
        yield return Case("* * * 13 *", "month", 6, "end of range (13) above maximum (12)", "MonthTooLarge");
        yield return Case("* * * * 7", "day of week", 8, "end of range (7) above maximum (6)", "SevenIsNotSunday");
        yield return Case("*/0 * * * *", "minute", 0, "step of range should be a positive number", "ZeroStep");
        yield return Case("5-1 * * * *", "minute", 0, "beginning of range (5) beyond end of range (1)", "ReversedRange");
        yield return Case("* * * FOO *", "month", 6, "failed to parse \"FOO\"", "UnknownName");
        yield return Case("1,,2 * * * *", "minute", 2, "failed to parse int from \"\"", "EmptyListItem");
        yield return Case("1-2-3 * * * *", "minute", 0, "too many hyphens", "TooManyHyphens");
        yield return Case("*/5/2 * * * *", "minute", 0, "too many slashes", "TooManySlashes");
        yield return Case("0 0 * * MON-SUN", "day of week", 8, "beginning of range (1) beyond end of range (0)", "NamedRangeReversed");
        yield return Case("TZ=UTC * * * * *", null, 0, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead", "TzPrefix");
        yield return Case("CRON_TZ=Europe/Paris 0 0 * * *", null, 0, "cannot use TZ or CRON_TZ in schedule, use timeZone field instead", "CronTzPrefix");
        yield return Case("@fortnightly", null, 0, "unrecognized descriptor: @fortnightly", "UnknownDescriptor");
        yield return Case("@every soon", null, 7, "failed to parse duration", "EveryWithoutDuration");
    }

    [TestCaseSource(nameof(InvalidCases))]
    public void Parse_InvalidExpression_ThrowsNamingFieldAndPosition(string schedule, string? field, int position, string reason)
    {
        var error = Assert.Throws<CronFormatException>(() => CronSchedule.Parse(schedule))!;

        Assert.Multiple(() =>
        {
            Assert.That(error.Field, Is.EqualTo(field));
            Assert.That(error.Position, Is.EqualTo(position));
            Assert.That(error.Reason, Does.Contain(reason));
            Assert.That(error.Message, Does.Contain($"\"{schedule}\""), "the message quotes the schedule");
            if (field is not null) Assert.That(error.Message, Does.Contain($"{field} field at position {position}"));
        });
    }

    [Test]
    public void TryParse_InvalidExpression_ReturnsFalseWithError()
    {
        var ok = CronSchedule.TryParse("99 * * * *", out var schedule, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(schedule, Is.Null);
            Assert.That(error!.Field, Is.EqualTo("minute"));
        });
    }

    [Test]
    public void TryParse_ValidExpression_ReturnsSchedule()
    {
        var ok = CronSchedule.TryParse("@every 1h30m", out var schedule, out var error);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(error, Is.Null);
            Assert.That(schedule!.Interval, Is.EqualTo(TimeSpan.FromMinutes(90)));
            Assert.That(schedule.ToString(), Is.EqualTo("@every 1h30m"));
        });
    }
}
