using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Client;

/// <summary>
/// A watch read as a queue: events in order, and a restart (from the current state) when the store expires the watch
/// because the reader fell behind. Single reader; dispose to stop the watch.
/// </summary>
internal sealed class WatchFeed : IDisposable
{
    private static readonly object Completed = new();
    private readonly IObjectReader _reader;
    private readonly ResourceKind _kind;
    private readonly WatchOptions _options;
    private readonly Channel<object> _channel = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private IDisposable? _subscription;
    private int _generation;

    public WatchFeed(IObjectReader reader, ResourceKind kind, WatchOptions options)
    {
        _reader = reader;
        _kind = kind;
        _options = options;
        Subscribe();
    }

    /// <summary>
    /// The next event; null when the watch was restarted after expiring, so the reader should re-read the current state
    /// (the new watch starts with <see cref="WatchEventType.Added"/> events for the current objects, but says nothing of
    /// objects deleted in the gap).
    /// </summary>
    /// <exception cref="InvalidOperationException">The store stopped.</exception>
    public async ValueTask<WatchEvent<KubernetesObject>?> ReadAsync(CancellationToken cancellationToken)
    {
        var item = await _channel.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        switch (item)
        {
            case WatchEvent<KubernetesObject> e:
                return e;
            case ResourceExpiredException:
                Subscribe();
                return null;
            case Exception error:
                ExceptionDispatchInfo.Throw(error);
                return null;
            default:
                throw new InvalidOperationException($"The watch of {_kind.Plural} ended: the store was stopped.");
        }
    }

    public void Dispose()
    {
        Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        _channel.Writer.TryComplete();
    }

    private void Subscribe()
    {
        var generation = Interlocked.Increment(ref _generation);
        Interlocked.Exchange(ref _subscription, null)?.Dispose();
        var subscription = _reader.Watch(_kind, _options).Subscribe(new Observer(this, generation));
        Interlocked.Exchange(ref _subscription, subscription)?.Dispose();
    }

    private void Post(int generation, object item)
    {
        // Events of a replaced subscription are stale: the new one starts from the current state.
        if (generation == Volatile.Read(ref _generation)) _channel.Writer.TryWrite(item);
    }

    private sealed class Observer(WatchFeed feed, int generation) : IObserver<WatchEvent<KubernetesObject>>
    {
        public void OnNext(WatchEvent<KubernetesObject> value) => feed.Post(generation, value);

        public void OnError(Exception error) => feed.Post(generation, error);

        public void OnCompleted() => feed.Post(generation, Completed);
    }
}
