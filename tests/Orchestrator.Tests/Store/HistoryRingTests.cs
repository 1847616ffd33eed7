using System.Diagnostics;
using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class HistoryRingTests
{
    [Test]
    public void TryGet_WhileWriterOverwritesTheRing_NeverReturnsATornEntry()
    {
        // Objects carry their own version, so a reader can tell whether fields of two different writes were mixed.
        var ring = new HistoryRing(16);
        var objects = Enumerable.Range(0, 64).Select(i => new ConfigMap { Metadata = new ObjectMeta { Name = $"m{i}" } }).ToArray();
        // Runs at least 1 s and until readers both hit and missed (a loaded CI machine may starve them), at most 20 s.
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var writer = Task.Run(() =>
        {
            for (long rv = 1; !stop.IsCancellationRequested; rv++)
            {
                var obj = objects[rv % objects.Length] with { Metadata = new ObjectMeta { Name = "x", ResourceVersion = rv.ToString(CultureInfo.InvariantCulture) } };
                ring.Append(rv * 10, WatchEventType.Modified, obj, obj);
            }
        });

        long hits = 0, misses = 0;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var published = ring.Published;
                for (var sequence = Math.Max(0, published - 20); sequence < published; sequence++)
                {
                    if (!ring.TryGet(sequence, out var e))
                    {
                        Interlocked.Increment(ref misses);
                        continue;
                    }
                    Interlocked.Increment(ref hits);
                    var rv = long.Parse(e.Object.Metadata.ResourceVersion!, CultureInfo.InvariantCulture);
                    if (e.Sequence != sequence || e.ResourceVersion != rv * 10 || !ReferenceEquals(e.Object, e.Previous) || rv != sequence + 1)
                    {
                        throw new AssertionException($"torn read at {sequence}: rv {e.ResourceVersion}, object {rv}");
                    }
                }
            }
        })).ToArray();

        var started = Stopwatch.StartNew();
        while (!stop.IsCancellationRequested && (started.Elapsed < TimeSpan.FromSeconds(1) || Interlocked.Read(ref hits) == 0 || Interlocked.Read(ref misses) == 0))
        {
            Thread.Sleep(10);
        }
        stop.Cancel();
        Assert.DoesNotThrowAsync(async () => await Task.WhenAll(readers.Append(writer)));
        Assert.That(Interlocked.Read(ref hits), Is.GreaterThan(0));
        Assert.That(Interlocked.Read(ref misses), Is.GreaterThan(0), "readers also raced with overwrites");
    }

    [Test]
    public void FindFirstAfter_VersionOlderThanRetained_ReturnsNull()
    {
        var ring = new HistoryRing(4);
        var obj = new ConfigMap();
        for (long rv = 1; rv <= 10; rv++) ring.Append(rv * 2, WatchEventType.Added, obj, null);

        Assert.That(ring.Capacity, Is.EqualTo(4));
        Assert.That(ring.FindFirstAfter(11, ring.Published), Is.Null, "version 12 (sequence 5) was overwritten");
        Assert.That(ring.FindFirstAfter(12, ring.Published), Is.EqualTo(6));
        Assert.That(ring.FindFirstAfter(15, ring.Published), Is.EqualTo(7));
        Assert.That(ring.FindFirstAfter(20, ring.Published), Is.EqualTo(10));
    }
}
