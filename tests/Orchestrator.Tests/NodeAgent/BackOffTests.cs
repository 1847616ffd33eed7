using Orchestrator.NodeAgent;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
public sealed class BackOffTests
{
    private static readonly NodeAgentOptions Options = new();
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Test]
    public void Next_RepeatedFailures_DoublesFromBaseToMax()
    {
        var backOff = new BackOff();
        var delays = new List<TimeSpan>();
        var now = T0;

        for (var i = 0; i < 8; i++)
        {
            backOff.Next(now, Options);
            delays.Add(backOff.Delay);
            now += backOff.Delay;
        }

        Assert.That(delays.Select(d => d.TotalSeconds), Is.EqualTo(new double[] { 10, 20, 40, 80, 160, 300, 300, 300 }));
    }

    [Test]
    public void IsInBackOffSince_WithinAndAfterDelay_ReportsRetryTime()
    {
        var backOff = new BackOff();
        Assert.That(backOff.IsInBackOffSince(T0, T0, Options, out _), Is.False, "nothing to back off from before the first failure");
        backOff.Next(T0, Options);

        var inside = backOff.IsInBackOffSince(T0, T0 + TimeSpan.FromSeconds(9), Options, out var retryAt);
        var after = backOff.IsInBackOffSince(T0, T0 + TimeSpan.FromSeconds(10), Options, out _);

        Assert.That((inside, after, retryAt), Is.EqualTo((true, false, T0 + TimeSpan.FromSeconds(10))));
    }

    [Test]
    public void Next_AfterStableRun_StartsOverAtBase()
    {
        var backOff = new BackOff();
        backOff.Next(T0, Options);
        backOff.Next(T0 + TimeSpan.FromSeconds(10), Options);
        backOff.Next(T0 + TimeSpan.FromSeconds(30), Options);
        Assert.That(backOff.Delay, Is.EqualTo(TimeSpan.FromSeconds(40)));

        var crashedLate = T0 + TimeSpan.FromSeconds(30) + TimeSpan.FromMinutes(11);
        var inBackOff = backOff.IsInBackOffSince(crashedLate, crashedLate, Options, out _);
        backOff.Next(crashedLate, Options);

        Assert.That(inBackOff, Is.False);
        Assert.That(backOff.Delay, Is.EqualTo(TimeSpan.FromSeconds(10)));
    }
}
