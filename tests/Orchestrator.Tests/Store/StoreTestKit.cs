using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Store;

/// <summary>Builders and helpers shared by the store tests.</summary>
internal static class StoreTestKit
{
    public static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    public static InMemoryObjectStore NewStore(FakeTimeProvider? time = null, InMemoryObjectStoreOptions? options = null) =>
        new(time ?? new FakeTimeProvider(), options);

    public static CancellationToken Deadline() => new CancellationTokenSource(TestTimeout).Token;

    public static Pod NewPod(string name, string ns = "default", IReadOnlyDictionary<string, string>? labels = null, string? nodeName = null) => new()
    {
        Metadata = new ObjectMeta { Name = name, Namespace = ns, Labels = labels ?? ImmutableDictionary<string, string>.Empty },
        Spec = new PodSpec
        {
            NodeName = nodeName,
            Containers = [new Container { Name = "app", Image = "nginx:1.27" }],
        },
    };

    public static IReadOnlyDictionary<string, string> Labels(params (string Key, string Value)[] pairs) =>
        pairs.ToImmutableDictionary(p => p.Key, p => p.Value);

    public static T WithLabel<T>(this T obj, string key, string value) where T : KubernetesObject =>
        obj with { Metadata = obj.Metadata with { Labels = obj.Metadata.Labels.ToImmutableDictionary().SetItem(key, value) } };

    public static T WithAnnotation<T>(this T obj, string key, string value) where T : KubernetesObject =>
        obj with { Metadata = obj.Metadata with { Annotations = obj.Metadata.Annotations.ToImmutableDictionary().SetItem(key, value) } };

    public static T WithFinalizers<T>(this T obj, params string[] finalizers) where T : KubernetesObject =>
        obj with { Metadata = obj.Metadata with { Finalizers = finalizers } };

    public static long Rv(this KubernetesObject obj) => long.Parse(obj.Metadata.ResourceVersion!, System.Globalization.CultureInfo.InvariantCulture);

    public static long Rv<T>(this WatchEvent<T> e) where T : KubernetesObject => e.Object.Rv();

    public static ResourceKind PodKind => ApiResources.For<Pod>();
}

/// <summary>Records the notifications of a watch and lets a test wait for a condition on them, with a bounded timeout.</summary>
internal sealed class WatchRecorder<T> : IObserver<WatchEvent<T>> where T : KubernetesObject
{
    private readonly Lock _gate = new();
    private readonly List<WatchEvent<T>> _events = [];
    private readonly Func<WatchEvent<T>, Task>? _onNext;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public WatchRecorder(Func<WatchEvent<T>, Task>? onNext = null) => _onNext = onNext;

    public Exception? Error { get; private set; }

    public bool Completed { get; private set; }

    public IReadOnlyList<WatchEvent<T>> Events
    {
        get
        {
            lock (_gate) return _events.ToArray();
        }
    }

    public void OnNext(WatchEvent<T> value)
    {
        _onNext?.Invoke(value).GetAwaiter().GetResult();
        lock (_gate) _events.Add(value);
        Signal();
    }

    public void OnError(Exception error)
    {
        Error = error;
        Signal();
    }

    public void OnCompleted()
    {
        Completed = true;
        Signal();
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the recorded events; fails the test after the timeout.</summary>
    public async Task<IReadOnlyList<WatchEvent<T>>> WaitUntilAsync(Func<IReadOnlyList<WatchEvent<T>>, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(StoreTestKit.TestTimeout);
        while (true)
        {
            Task changed;
            lock (_gate) changed = _changed.Task;
            var events = Events;
            if (condition(events)) return events;
            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Timed out waiting for {what}; got {events.Count} events: " +
                    string.Join(", ", events.Take(20).Select(e => $"{e.Type} {e.Object.Metadata.Name}@{e.Object.Metadata.ResourceVersion}")) +
                    $"; error: {Error?.Message ?? "none"}; completed: {Completed}");
            }
        }
    }

    public Task<IReadOnlyList<WatchEvent<T>>> WaitForCountAsync(int count) => WaitUntilAsync(e => e.Count >= count, $"{count} events");

    public async Task<Exception> WaitForErrorAsync()
    {
        await WaitUntilAsync(_ => Error is not null, "an error");
        return Error!;
    }

    private void Signal()
    {
        TaskCompletionSource previous;
        lock (_gate)
        {
            previous = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        previous.TrySetResult();
    }
}
