using Orchestrator.Controllers;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.Framework;

public sealed class RateLimitersTests
{
    private static IEnumerable<TestCaseData> ExponentialCases()
    {
        yield return new TestCaseData(5, 1_000, new[] { 5, 10, 20, 40, 80, 160, 320, 640, 1_000, 1_000 })
            .SetName("ItemExponential_DefaultBase_DoublesUpToCap");
        yield return new TestCaseData(1, 4, new[] { 1, 2, 4, 4, 4 })
            .SetName("ItemExponential_SmallCap_StaysAtCap");
        yield return new TestCaseData(100, 100, new[] { 100, 100, 100 })
            .SetName("ItemExponential_BaseEqualsCap_IsConstant");
    }

    [TestCaseSource(nameof(ExponentialCases))]
    public void ItemExponential_Sequence(int baseMs, int maxMs, int[] expectedMs)
    {
        var limiter = RateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(maxMs));

        var delays = expectedMs.Select(_ => limiter.When("a").TotalMilliseconds).ToArray();

        Assert.That(delays, Is.EqualTo(expectedMs.Select(ms => (double)ms)));
        Assert.That(limiter.NumRequeues("a"), Is.EqualTo(expectedMs.Length));
    }

    [Test]
    public void ItemExponential_ManyFailures_NeverOverflowsPastCap()
    {
        var limiter = RateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000));
        for (var i = 0; i < 200; i++) limiter.When("a");
        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromSeconds(1000)));
    }

    [Test]
    public void ItemExponential_KeysAreIndependent_AndForgetResetsOne()
    {
        var limiter = RateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1));
        limiter.When("a");
        limiter.When("a");
        limiter.When("b");

        limiter.Forget("a");

        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        Assert.That(limiter.When("b"), Is.EqualTo(TimeSpan.FromMilliseconds(10)));
    }

    [Test]
    public void TokenBucket_BurstThenRate_SpacesReservations()
    {
        var time = new FakeTimeProvider();
        var limiter = RateLimiters.TokenBucket<string>(perSecond: 10, burst: 2, time);

        var delays = Enumerable.Range(0, 4).Select(i => limiter.When($"k{i}")).ToArray();

        Assert.That(delays, Is.EqualTo(new[] { 0, 0, 100, 200 }.Select(ms => TimeSpan.FromMilliseconds(ms))));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(limiter.When("x"), Is.EqualTo(TimeSpan.Zero), "the bucket refills over time");
        Assert.That(limiter.NumRequeues("x"), Is.Zero);
    }

    [Test]
    public void Default_FirstFailures_UseThePerKeyDelay()
    {
        var limiter = RateLimiters.Default<string>(new FakeTimeProvider());

        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromMilliseconds(5)));
        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromMilliseconds(10)));
    }

    [Test]
    public void MaxOf_TakesLargestDelayAndCount_AndForgetsInEach()
    {
        var time = new FakeTimeProvider();
        var slow = RateLimiters.ItemExponential<string>(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        var fast = RateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(1), TimeSpan.FromSeconds(60));
        var bucket = RateLimiters.TokenBucket<string>(1, 1, time);
        var limiter = RateLimiters.MaxOf(fast, slow, bucket);

        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromSeconds(1)));
        Assert.That(limiter.When("a"), Is.EqualTo(TimeSpan.FromSeconds(2)));
        Assert.That(limiter.NumRequeues("a"), Is.EqualTo(2));

        limiter.Forget("a");
        Assert.That(slow.NumRequeues("a"), Is.Zero);
        Assert.That(fast.NumRequeues("a"), Is.Zero);
    }
}
