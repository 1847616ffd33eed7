using System.Diagnostics.Metrics;
using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;
using static Orchestrator.Tests.Store.StoreTestKit;

namespace Orchestrator.Tests.Store;

[TestFixture]
public sealed class ObjectStoreExtensionsTests
{
    private InMemoryObjectStore _store = null!;

    [SetUp]
    public void SetUp() => _store = NewStore();

    [TearDown]
    public void TearDown() => _store.Dispose();

    [Test]
    public async Task UpdateWithRetryAsync_RacingWriters_LoseNoIncrement()
    {
        const int writers = 8, increments = 200;
        await _store.CreateAsync<ConfigMap>(new ConfigMap { Metadata = new ObjectMeta { Name = "counter", Namespace = "default" } });
        var ct = Deadline();

        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < increments; i++)
            {
                await _store.UpdateWithRetryAsync<ConfigMap>("default", "counter", map =>
                {
                    var count = map.Metadata.Annotations.TryGetValue("count", out var text) ? int.Parse(text, CultureInfo.InvariantCulture) : 0;
                    return map.WithAnnotation("count", (count + 1).ToString(CultureInfo.InvariantCulture));
                }, ct);
            }
        }, ct)));

        var final = await _store.GetRequiredAsync<ConfigMap>("default", "counter", ct);
        Assert.That(final.Metadata.Annotations["count"], Is.EqualTo((writers * increments).ToString(CultureInfo.InvariantCulture)));
    }

    [Test]
    public async Task UpdateWithRetryAsync_MutateReturnsNull_WritesNothing()
    {
        var created = await _store.CreateAsync<Pod>(NewPod("web"));

        var result = await _store.UpdateWithRetryAsync<Pod>("default", "web", _ => null);

        Assert.That(result, Is.SameAs(created));
        Assert.That(_store.CurrentResourceVersion, Is.EqualTo(created.Rv()));
    }

    [Test]
    public void UpdateWithRetryAsync_Missing_ThrowsNotFound()
    {
        Assert.ThrowsAsync<NotFoundException>(async () => await _store.UpdateWithRetryAsync<Pod>("default", "ghost", p => p));
    }

    [Test]
    public async Task UpdateStatusWithRetryAsync_ChangesOnlyStatus()
    {
        await _store.CreateAsync<Pod>(NewPod("web"));

        var updated = await _store.UpdateStatusWithRetryAsync<Pod>("default", "web",
            p => p.WithLabel("ignored", "yes") with { Status = new PodStatus { Phase = PodPhase.Running } });

        Assert.That(updated.Status?.Phase, Is.EqualTo(PodPhase.Running));
        Assert.That(updated.Metadata.Labels, Is.Empty);
    }

    [Test]
    public async Task GetRequiredAsync_Missing_ThrowsNotFoundNamingTheResource()
    {
        var ex = Assert.ThrowsAsync<NotFoundException>(async () => await _store.GetRequiredAsync<Deployment>("default", "web"));
        Assert.That(ex!.Message, Is.EqualTo("deployments.apps \"web\" not found in namespace \"default\""));
        Assert.That(await _store.GetAsync<Deployment>("default", "web"), Is.Null);
    }

    [Test]
    public async Task ListAsync_Typed_ReturnsItemsOfTheKind()
    {
        await _store.CreateAsync<Pod>(NewPod("web"));

        ObjectList<Pod> list = await _store.ListAsync<Pod>();

        Assert.That(list.Items.Single().Spec.Containers[0].Name, Is.EqualTo("app"));
    }

    [Test]
    public async Task Writes_WithMeterListener_CountedByKindAndVerb()
    {
        var counts = new Dictionary<string, long>();
        using var store = NewStore();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == store.Metrics.Meter && instrument.Name == "orchestrator.store.writes") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            var key = string.Join(",", tags.ToArray().Select(t => $"{t.Key}={t.Value}"));
            lock (counts) counts[key] = counts.GetValueOrDefault(key) + value;
        });
        listener.Start();
        Assert.That(store.Metrics.Meter.Name, Is.EqualTo("Orchestrator.Store"));

        var pod = await store.CreateAsync<Pod>(NewPod("web"));
        await store.UpdateAsync<Pod>(pod.WithLabel("a", "1"));
        await store.DeleteAsync<Pod>("default", "web");

        lock (counts)
        {
            Assert.That(counts, Does.ContainKey("kind=Pod,verb=create").WithValue(1));
            Assert.That(counts, Does.ContainKey("kind=Pod,verb=update").WithValue(1));
            Assert.That(counts, Does.ContainKey("kind=Pod,verb=delete").WithValue(1));
        }
    }
}
