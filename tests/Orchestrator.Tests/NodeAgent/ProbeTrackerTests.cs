using Orchestrator.Api;
using Orchestrator.NodeAgent;
using Orchestrator.Runtime;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
public sealed class ProbeTrackerTests
{
    private static readonly DateTimeOffset Admitted = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static IEnumerable<TestCaseData> Schedules()
    {
        // started (ms after the pod's admission), initialDelaySeconds, periodSeconds → the first three attempts (ms)
        yield return new TestCaseData(0, 0, 1, new[] { 0, 1000, 2000 }).SetName("Advance_StartedAtAdmission_EveryPeriodFromTheStart");
        yield return new TestCaseData(3250, 0, 1, new[] { 3250, 4000, 5000 }).SetName("Advance_StartedBetweenTicks_ProbesAtOnceThenOnThePodsTicker");
        yield return new TestCaseData(3250, 0, 10, new[] { 3250, 10000, 20000 }).SetName("Advance_LongPeriod_SecondAttemptAtTheNextTickNotAFullPeriodLater");
        yield return new TestCaseData(3250, 2, 1, new[] { 5250, 6000, 7000 }).SetName("Advance_InitialDelay_FirstAttemptAfterTheDelayThenOnTheTicker");
    }

    [TestCaseSource(nameof(Schedules))]
    public void Advance_Schedule_FollowsThePodsTicker(int startedMs, int initialDelaySeconds, int periodSeconds, int[] expectedMs)
    {
        var container = new Container
        {
            Name = "web",
            Image = "busybox",
            ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 80 }, InitialDelaySeconds = initialDelaySeconds, PeriodSeconds = periodSeconds },
        };
        var tracker = new ProbeTracker("c1", container, Admitted.AddMilliseconds(startedMs), Admitted);
        var period = TimeSpan.FromSeconds(periodSeconds);

        var attempts = new List<double> { (tracker.DueAt(ProbeKind.Readiness) - Admitted).TotalMilliseconds };
        attempts.Add((tracker.Advance(ProbeKind.Readiness, period) - Admitted).TotalMilliseconds);
        attempts.Add((tracker.Advance(ProbeKind.Readiness, period) - Admitted).TotalMilliseconds);

        Assert.That(attempts, Is.EqualTo(expectedMs.Select(ms => (double)ms)));
    }

    [Test]
    public void Advance_TickerAfterTheStart_CountsPeriodsFromTheStart()
    {
        var container = new Container { Name = "web", Image = "busybox", ReadinessProbe = new Probe { TcpSocket = new TcpSocketAction { Port = 80 } } };
        var started = Admitted.AddSeconds(5);

        var tracker = new ProbeTracker("c1", container, started, ticker: Admitted.AddSeconds(7));

        Assert.That(tracker.Advance(ProbeKind.Readiness, TimeSpan.FromSeconds(10)), Is.EqualTo(started.AddSeconds(10)));
    }
}
