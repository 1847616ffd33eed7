using System.Collections.Concurrent;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The pod failure back-off of each Job (Kubernetes <c>backoffStore</c>): how many pods failed since the last success and
/// when the latest failed, kept in memory like Kubernetes does. Thread-safe.
/// </summary>
internal sealed class JobBackoff
{
    private readonly ConcurrentDictionary<ObjectKey, Record> _records = new();

    /// <summary>Folds newly finished pods into the record of the Job (Kubernetes <c>newBackoffRecord</c>).</summary>
    public void Update(ObjectKey job, string uid, IReadOnlyList<Pod> newSucceeded, IReadOnlyList<Pod> newFailed, DateTimeOffset now)
    {
        var record = _records.TryGetValue(job, out var existing) && existing.Uid == uid ? existing : new Record(uid, 0, null);
        if (newFailed.Count == 0 && newSucceeded.Count == 0) return;
        if (newFailed.Count == 0)
        {
            record = record with { Failures = 0, LastFailure = null };
        }
        else
        {
            var lastFailure = newFailed.Max(p => WorkloadPods.FinishedAt(p, now));
            if (newSucceeded.Count == 0)
            {
                record = record with { Failures = record.Failures + newFailed.Count, LastFailure = lastFailure };
            }
            else
            {
                var lastSuccess = newSucceeded.Max(p => WorkloadPods.FinishedAt(p, now));
                record = lastSuccess > lastFailure
                    ? record with { Failures = 0, LastFailure = null }
                    : record with { Failures = newFailed.Count(p => WorkloadPods.FinishedAt(p, now) > lastSuccess), LastFailure = lastFailure };
            }
        }
        _records[job] = record;
    }

    /// <summary>
    /// How long the Job must still wait before creating pods: <paramref name="baseDelay"/> doubled for each failure after the
    /// first, capped at <paramref name="maxDelay"/>, counted from the latest failure; zero when there is none.
    /// </summary>
    public TimeSpan Remaining(ObjectKey job, string uid, TimeSpan baseDelay, TimeSpan maxDelay, DateTimeOffset now)
    {
        if (!_records.TryGetValue(job, out var record) || record.Uid != uid || record.Failures == 0 || record.LastFailure is not { } last) return TimeSpan.Zero;
        var delay = baseDelay;
        for (var i = 1; i < record.Failures && delay < maxDelay; i++) delay += delay;
        if (delay > maxDelay) delay = maxDelay;
        var elapsed = now - last;
        return elapsed >= delay ? TimeSpan.Zero : delay - elapsed;
    }

    /// <summary>Forgets the Job.</summary>
    public void Remove(ObjectKey job) => _records.TryRemove(job, out _);

    private sealed record Record(string Uid, int Failures, DateTimeOffset? LastFailure);
}
