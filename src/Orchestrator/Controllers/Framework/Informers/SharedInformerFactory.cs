using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Hands out one shared <see cref="IInformer{T}"/> per kind, so every controller, the scheduler and the node agents of a
/// process watch each kind once and read the same cache. In a host it is a singleton registered by
/// <see cref="ControllerServiceCollectionExtensions.AddSharedInformers"/>.
/// </summary>
/// <remarks>
/// An informer starts listing and watching when it is first requested and runs until the factory is stopped
/// (<see cref="DisposeAsync"/>, which the host does after stopping the controllers). All members are thread-safe.
/// </remarks>
/// <example>
/// <code>
/// var pods = factory.GetInformer&lt;Pod&gt;();
/// pods.AddFieldIndexer("spec.nodeName");
/// await pods.WaitForSyncAsync(cancellationToken);
/// var onNode = pods.Lister.ByIndex(IndexNames.Field("spec.nodeName"), "node-1");
/// </code>
/// </example>
public sealed class SharedInformerFactory : IAsyncDisposable, IDisposable
{
    private readonly IObjectReader _reader;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeSpan? _resyncPeriod;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private readonly Dictionary<Type, IInformer> _informers = [];
    private readonly List<Task> _running = [];
    private bool _stopped;

    /// <summary>Creates a factory reading from <paramref name="reader"/>.</summary>
    /// <param name="reader">The store to list and watch.</param>
    /// <param name="timeProvider">The clock for back-off and resync; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where informers log; nowhere when null.</param>
    /// <param name="resyncPeriod">When set, every informer re-notifies each cached object as an update this often.</param>
    public SharedInformerFactory(
        IObjectReader reader, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null, TimeSpan? resyncPeriod = null)
    {
        _reader = reader;
        _time = timeProvider ?? TimeProvider.System;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _resyncPeriod = resyncPeriod;
    }

    /// <summary>The informer of kind <typeparamref name="T"/>, created and started on first request.</summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not a registered kind.</exception>
    /// <exception cref="ObjectDisposedException">The factory was stopped.</exception>
    public IInformer<T> GetInformer<T>() where T : KubernetesObject
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            if (_informers.TryGetValue(typeof(T), out var existing)) return (IInformer<T>)existing;
            var logger = _loggerFactory.CreateLogger($"Orchestrator.Controllers.Informer.{typeof(T).Name}");
            var informer = new SharedInformer<T>(_reader, _time, logger, _resyncPeriod);
            _informers.Add(typeof(T), informer);
            var token = _stopping.Token;
            _running.Add(Task.Run(() => informer.RunAsync(token), CancellationToken.None));
            return informer;
        }
    }

    /// <summary>The lister of kind <typeparamref name="T"/>; shorthand for <c>GetInformer&lt;T&gt;().Lister</c>.</summary>
    public ILister<T> GetLister<T>() where T : KubernetesObject => GetInformer<T>().Lister;

    /// <summary>Completes when every informer requested so far has synced.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public Task WaitForCacheSyncAsync(CancellationToken cancellationToken)
    {
        IInformer[] informers;
        lock (_gate) informers = [.. _informers.Values];
        return Task.WhenAll(informers.Select(i => i.WaitForSyncAsync(cancellationToken)));
    }

    /// <summary>Stops every informer and waits for their loops to end; later <see cref="GetInformer{T}"/> calls throw.</summary>
    public async ValueTask DisposeAsync()
    {
        Task[] running;
        lock (_gate)
        {
            if (_stopped) return;
            _stopped = true;
            running = [.. _running];
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(running).ConfigureAwait(false);
        _stopping.Dispose();
    }

    /// <summary>Stops every informer, blocking until their loops end (they end promptly once cancelled).</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
