using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>A cold watch: every subscription is an independent <see cref="WatchSubscription"/>.</summary>
internal sealed class WatchObservable(InMemoryObjectStore store, KindStore kind, WatchFilter filter, WatchOptions? options)
    : IObservable<WatchEvent<KubernetesObject>>
{
    public IDisposable Subscribe(IObserver<WatchEvent<KubernetesObject>> observer) =>
        WatchSubscription.Start(store, kind, filter, options, observer);
}

/// <summary>A watch seen through its object type; maps each event without allocating.</summary>
internal sealed class TypedWatchObservable<T>(IObservable<WatchEvent<KubernetesObject>> source) : IObservable<WatchEvent<T>>
    where T : KubernetesObject
{
    public IDisposable Subscribe(IObserver<WatchEvent<T>> observer)
    {
        ArgumentNullException.ThrowIfNull(observer);
        return source.Subscribe(new Observer(observer));
    }

    private sealed class Observer(IObserver<WatchEvent<T>> inner) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value) => inner.OnNext(new WatchEvent<T>(value.Type, (T)value.Object));

        public void OnError(Exception error) => inner.OnError(error);

        public void OnCompleted() => inner.OnCompleted();
    }
}
