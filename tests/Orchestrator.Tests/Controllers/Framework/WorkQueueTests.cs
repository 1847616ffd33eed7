using Orchestrator.Controllers;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Controllers.Framework;

[CancelAfter(10_000)]
public sealed class WorkQueueTests
{
    private static WorkQueue<string> NewQueue(FakeTimeProvider? time = null) =>
        new(RateLimiters.ItemExponential<string>(TimeSpan.FromMilliseconds(5), TimeSpan.FromSeconds(1000)), time ?? new FakeTimeProvider());

    [Test]
    public async Task Add_KeyAlreadyPending_IsHandedOutOnce(CancellationToken ct)
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.That(queue.Length, Is.EqualTo(2));
        Assert.That((await queue.GetAsync(ct)).Key, Is.EqualTo("a"));
        Assert.That((await queue.GetAsync(ct)).Key, Is.EqualTo("b"));
        Assert.That(queue.Length, Is.Zero);
    }

    [Test]
    public async Task Add_WhileProcessing_IsNotHandedOutUntilDone(CancellationToken ct)
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);

        queue.Add("a");
        queue.Add("a");
        Assert.That(queue.Length, Is.Zero, "a key being processed must not be pending for another worker");
        var second = queue.GetAsync(ct).AsTask();
        Assert.That(second.IsCompleted, Is.False);

        queue.Done(key);
        Assert.That((await second.WaitAsync(ct)).Key, Is.EqualTo("a"), "Done re-queues a key added while it was processed");
        queue.Done("a");
        Assert.That(queue.Length, Is.Zero, "the re-queued key is processed once, not once per add");
    }

    [Test]
    public async Task Done_KeyNotAddedMeanwhile_IsNotRequeued(CancellationToken ct)
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);
        queue.Done(key);
        Assert.That(queue.Length, Is.Zero);
    }

    [Test]
    public async Task GetAsync_EmptyQueue_WaitsForAdd(CancellationToken ct)
    {
        using var queue = NewQueue();
        var get = queue.GetAsync(ct).AsTask();
        Assert.That(get.IsCompleted, Is.False);

        queue.Add("a");

        Assert.That(await get.WaitAsync(ct), Is.EqualTo(("a", false)));
    }

    [Test]
    public async Task GetAsync_CancelledWhileWaiting_ThrowsAndLosesNoKey(CancellationToken ct)
    {
        using var queue = NewQueue();
        using var cts = new CancellationTokenSource();
        var get = queue.GetAsync(cts.Token).AsTask();

        await cts.CancelAsync();
        Assert.That(async () => await get, Throws.InstanceOf<OperationCanceledException>());

        queue.Add("a");
        Assert.That(queue.Length, Is.EqualTo(1), "a cancelled waiter must not swallow the next key");
        Assert.That((await queue.GetAsync(ct)).Key, Is.EqualTo("a"));
    }

    [Test]
    public async Task ShutDown_PendingKeys_AreStillHandedOutThenShutDownIsReported(CancellationToken ct)
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.ShutDown();
        queue.Add("b");

        Assert.That(await queue.GetAsync(ct), Is.EqualTo(("a", false)));
        Assert.That((await queue.GetAsync(ct)).ShutDown, Is.True, "adds after shut-down are ignored");
        Assert.That(queue.IsShuttingDown, Is.True);
    }

    [Test]
    public async Task ShutDown_WaitingConsumers_AreReleased(CancellationToken ct)
    {
        using var queue = NewQueue();
        var waiting = Enumerable.Range(0, 3).Select(_ => queue.GetAsync(ct).AsTask()).ToArray();

        queue.ShutDown();

        var results = await Task.WhenAll(waiting).WaitAsync(ct);
        Assert.That(results.Select(r => r.ShutDown), Is.All.True);
    }

    [Test]
    public async Task ShutDownWithDrainAsync_KeyInProcess_CompletesOnlyAfterDone(CancellationToken ct)
    {
        using var queue = NewQueue();
        queue.Add("a");
        var (key, _) = await queue.GetAsync(ct);

        var drain = queue.ShutDownWithDrainAsync(ct);
        Assert.That(drain.IsCompleted, Is.False);

        queue.Done(key);
        await drain.WaitAsync(ct);
        Assert.That(drain.IsCompletedSuccessfully, Is.True);
    }

    [Test]
    public async Task AddAfter_BeforeDelay_KeyIsNotPending(CancellationToken ct)
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        time.Advance(TimeSpan.FromSeconds(9.9));
        Assert.That(queue.Length, Is.Zero);

        time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.That(queue.Length, Is.EqualTo(1));
        Assert.That((await queue.GetAsync(ct)).Key, Is.EqualTo("a"));
    }

    [Test]
    public void AddAfter_SameKeyTwice_EarliestTimeWins()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        queue.AddAfter("a", TimeSpan.FromSeconds(10));
        queue.AddAfter("a", TimeSpan.FromSeconds(5));
        queue.AddAfter("a", TimeSpan.FromSeconds(20));

        time.Advance(TimeSpan.FromSeconds(5));
        Assert.That(queue.Length, Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.That(queue.Length, Is.EqualTo(1), "the superseded times must not add the key again");
    }

    [Test]
    public void AddAfter_SeveralKeys_BecomePendingInDueOrder()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);
        queue.AddAfter("late", TimeSpan.FromSeconds(3));
        queue.AddAfter("early", TimeSpan.FromSeconds(1));
        queue.AddAfter("middle", TimeSpan.FromSeconds(2));

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.That(queue.Length, Is.EqualTo(1));
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.That(queue.Length, Is.EqualTo(3));
    }

    [Test]
    public void AddAfter_ZeroDelay_AddsAtOnce()
    {
        using var queue = NewQueue();
        queue.AddAfter("a", TimeSpan.Zero);
        Assert.That(queue.Length, Is.EqualTo(1));
    }

    [Test]
    public void AddRateLimited_RepeatedFailures_BackOffExponentiallyAndForgetResets()
    {
        var time = new FakeTimeProvider();
        using var queue = NewQueue(time);

        var delays = Enumerable.Range(0, 4).Select(_ => queue.AddRateLimited("a")).ToArray();
        Assert.That(delays, Is.EqualTo(new[] { 5, 10, 20, 40 }.Select(ms => TimeSpan.FromMilliseconds(ms))));
        Assert.That(queue.NumRequeues("a"), Is.EqualTo(4));

        time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.That(queue.Length, Is.Zero);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.That(queue.Length, Is.EqualTo(1), "the key is added at the earliest of its rate-limited times");

        queue.Forget("a");
        Assert.That(queue.NumRequeues("a"), Is.Zero);
        Assert.That(queue.AddRateLimited("a"), Is.EqualTo(TimeSpan.FromMilliseconds(5)));
    }

    [Test]
    public async Task GetAsync_ManyWorkersManyAdds_NeverProcessesOneKeyTwiceAtOnceAndLosesNoAdd(CancellationToken ct)
    {
        using var queue = new WorkQueue<int>(timeProvider: TimeProvider.System);
        const int keys = 16;
        var inFlight = new int[keys];
        var maxInFlight = new int[keys];
        var added = new int[keys];      // version of the latest add of each key
        var processed = new int[keys];  // latest version a worker observed when it started processing the key

        async Task WorkerAsync()
        {
            while (true)
            {
                var (key, shutDown) = await queue.GetAsync(ct);
                if (shutDown) return;
                var now = Interlocked.Increment(ref inFlight[key]);
                InterlockedMax(ref maxInFlight[key], now);
                Volatile.Write(ref processed[key], Volatile.Read(ref added[key]));
                await Task.Yield();
                Interlocked.Decrement(ref inFlight[key]);
                queue.Done(key);
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(WorkerAsync, ct)).ToArray();
        var producers = Enumerable.Range(0, 4).Select(p => Task.Run(() =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var key = (i * 7 + p) % keys;
                Interlocked.Increment(ref added[key]);
                queue.Add(key);
            }
        }, ct)).ToArray();
        await Task.WhenAll(producers).WaitAsync(ct);
        await queue.ShutDownWithDrainAsync(ct);
        await Task.WhenAll(workers).WaitAsync(ct);

        Assert.That(maxInFlight, Is.All.EqualTo(1), "a key was processed by two workers at once");
        Assert.That(processed, Is.EqualTo(added), "the last add of every key must be followed by a processing of it");
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
