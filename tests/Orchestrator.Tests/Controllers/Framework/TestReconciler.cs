using System.Collections.Concurrent;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.Framework;

/// <summary>A reconciler whose behaviour is a delegate; records every call and the concurrency per key.</summary>
internal sealed class TestReconciler(Func<ObjectKey, int, CancellationToken, Task<ReconcileResult>>? behaviour = null) : IReconciler
{
    private readonly ConcurrentDictionary<ObjectKey, int> _inFlight = new();
    private readonly ConcurrentQueue<ObjectKey> _calls = new();
    private int _maxInFlightPerKey;

    public IReadOnlyCollection<ObjectKey> Calls => _calls;

    public int MaxInFlightPerKey => Volatile.Read(ref _maxInFlightPerKey);

    public int CallsFor(ObjectKey key) => _calls.Count(k => k == key);

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var attempt = CallsFor(key) + 1;
        var now = _inFlight.AddOrUpdate(key, 1, (_, n) => n + 1);
        int max;
        while ((max = Volatile.Read(ref _maxInFlightPerKey)) < now && Interlocked.CompareExchange(ref _maxInFlightPerKey, now, max) != max)
        {
        }
        _calls.Enqueue(key);
        try
        {
            return behaviour is null ? ReconcileResult.Done : await behaviour(key, attempt, cancellationToken);
        }
        finally
        {
            _inFlight.AddOrUpdate(key, 0, (_, n) => n - 1);
        }
    }
}
