using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// The pods waiting to be scheduled (Kubernetes' <c>PriorityQueue</c>) in three parts: the active queue, ordered by
/// priority (higher first) and then arrival (first come, first served); the back-off queue of pods that failed recently;
/// and the unschedulable pods, which wait for a cluster change that may make them fit.
/// </summary>
/// <remarks>Not thread-safe: only the scheduling thread uses it.</remarks>
internal sealed class SchedulingQueue(SchedulerOptions options, TimeProvider time)
{
    private readonly PriorityQueue<Entry, (int Priority, long Sequence)> _active = new(ActiveOrder.Instance);
    private readonly PriorityQueue<Entry, DateTimeOffset> _backoff = new();
    private readonly Dictionary<string, Entry> _unschedulable = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _sequence;

    /// <summary>The number of pods waiting in any part of the queue.</summary>
    public int Count => _entries.Count;

    /// <summary>The number of unschedulable pods.</summary>
    public int UnschedulableCount => _unschedulable.Count;

    /// <summary>
    /// Adds a new pending pod to the active queue, or refreshes the pod object of one already queued. An unschedulable
    /// pod whose spec changed is moved back to the active (or back-off) queue, since the change may let it fit.
    /// </summary>
    public void AddOrUpdate(Pod pod)
    {
        var key = ObjectKey.Of(pod).ToString();
        if (_entries.TryGetValue(key, out var entry))
        {
            var specChanged = entry.State == EntryState.Unschedulable && SchedulingInputsChanged(entry.Pod, pod);
            entry.Pod = pod;
            if (entry.State == EntryState.Unschedulable && specChanged) Requeue(entry, time.GetUtcNow());
            return;
        }
        entry = new Entry(pod, ++_sequence, time.GetUtcNow());
        _entries[key] = entry;
        PushActive(entry);
    }

    /// <summary>Removes a pod from every part of the queue.</summary>
    public void Delete(string podKey)
    {
        if (!_entries.Remove(podKey, out var entry)) return;
        _unschedulable.Remove(podKey);
        entry.State = EntryState.Removed; // lazily dropped from the heaps
    }

    /// <summary>Takes the next pod to schedule from the active queue; it leaves the queue until given back.</summary>
    public bool TryPop(out QueuedPod pod)
    {
        while (_active.TryDequeue(out var entry, out var order))
        {
            if (entry.State != EntryState.Active || entry.Order != order) continue;
            _entries.Remove(ObjectKey.Of(entry.Pod).ToString());
            entry.State = EntryState.Removed;
            pod = new QueuedPod(entry.Pod, entry.Sequence, entry.Attempts, entry.FirstQueued);
            return true;
        }
        pod = default;
        return false;
    }

    /// <summary>
    /// Gives back a pod whose attempt failed because no node fits: it waits among the unschedulable pods for a
    /// cluster change, or <see cref="SchedulerOptions.UnschedulableRetryInterval"/>.
    /// </summary>
    public void AddUnschedulable(QueuedPod attempt, Pod latest) => GiveBack(attempt, latest, unschedulable: true);

    /// <summary>Gives back a pod whose attempt failed with an error (for example its binding); it is retried after its back-off.</summary>
    public void AddBackoff(QueuedPod attempt, Pod latest) => GiveBack(attempt, latest, unschedulable: false);

    /// <summary>
    /// Moves unschedulable pods (all, or those <paramref name="filter"/> selects) to the active queue, or to the back-off
    /// queue while their back-off lasts: the cluster changed in a way that may let them fit.
    /// </summary>
    public int MoveUnschedulable(Func<Pod, bool>? filter = null)
    {
        if (_unschedulable.Count == 0) return 0;
        var now = time.GetUtcNow();
        var moved = 0;
        foreach (var entry in _unschedulable.Values.ToArray())
        {
            if (filter is not null && !filter(entry.Pod)) continue;
            Requeue(entry, now);
            moved++;
        }
        return moved;
    }

    /// <summary>
    /// Moves pods whose back-off has ended to the active queue, and unschedulable pods that have waited longer than
    /// <see cref="SchedulerOptions.UnschedulableRetryInterval"/> to the active (or back-off) queue.
    /// </summary>
    public void Flush()
    {
        var now = time.GetUtcNow();
        while (_backoff.TryPeek(out var entry, out var until))
        {
            if (entry.State != EntryState.Backoff || entry.BackoffUntil != until)
            {
                _backoff.Dequeue();
                continue;
            }
            if (until > now) break;
            _backoff.Dequeue();
            PushActive(entry);
        }
        if (_unschedulable.Count == 0) return;
        foreach (var entry in _unschedulable.Values.ToArray())
        {
            if (now - entry.LastAttempt >= options.UnschedulableRetryInterval) Requeue(entry, now);
        }
    }

    /// <summary>When the earliest back-off ends, or null when no pod is backing off.</summary>
    public DateTimeOffset? NextBackoffExpiry()
    {
        while (_backoff.TryPeek(out var entry, out var until))
        {
            if (entry.State == EntryState.Backoff && entry.BackoffUntil == until) return until;
            _backoff.Dequeue();
        }
        return null;
    }

    // A status-only update (such as the scheduler's own PodScheduled condition) does not change what the pod needs.
    private static bool SchedulingInputsChanged(Pod old, Pod pod) =>
        !(ReferenceEquals(old.Spec, pod.Spec) || KubernetesJson.ContentEquals(old.Spec, pod.Spec)) ||
        !(ReferenceEquals(old.Metadata.Labels, pod.Metadata.Labels) || KubernetesJson.ContentEquals(old.Metadata.Labels, pod.Metadata.Labels));

    private void GiveBack(QueuedPod attempt, Pod latest, bool unschedulable)
    {
        var key = ObjectKey.Of(latest).ToString();
        if (_entries.ContainsKey(key)) return; // re-added by an event in the meantime
        var now = time.GetUtcNow();
        var entry = new Entry(latest, attempt.Sequence, attempt.FirstQueued)
        {
            Attempts = attempt.Attempts + 1,
            LastAttempt = now,
        };
        _entries[key] = entry;
        if (unschedulable)
        {
            entry.State = EntryState.Unschedulable;
            _unschedulable[key] = entry;
        }
        else
        {
            PushBackoff(entry, now);
        }
    }

    private void Requeue(Entry entry, DateTimeOffset now)
    {
        _unschedulable.Remove(ObjectKey.Of(entry.Pod).ToString());
        if (BackoffEnd(entry) > now) PushBackoff(entry, now);
        else PushActive(entry);
    }

    private void PushActive(Entry entry)
    {
        entry.State = EntryState.Active;
        entry.Order = (entry.Pod.Spec.Priority ?? 0, entry.Sequence);
        _active.Enqueue(entry, entry.Order);
    }

    private void PushBackoff(Entry entry, DateTimeOffset now)
    {
        var until = BackoffEnd(entry);
        if (until <= now)
        {
            PushActive(entry);
            return;
        }
        entry.State = EntryState.Backoff;
        entry.BackoffUntil = until;
        _backoff.Enqueue(entry, until);
    }

    private DateTimeOffset BackoffEnd(Entry entry)
    {
        if (entry.Attempts == 0) return entry.LastAttempt;
        var backoff = options.PodInitialBackoff;
        for (var i = 1; i < entry.Attempts && backoff < options.PodMaxBackoff; i++) backoff += backoff;
        if (backoff > options.PodMaxBackoff) backoff = options.PodMaxBackoff;
        return entry.LastAttempt + backoff;
    }

    private enum EntryState
    {
        Active,
        Backoff,
        Unschedulable,
        Removed,
    }

    private sealed class Entry(Pod pod, long sequence, DateTimeOffset firstQueued)
    {
        public Pod Pod { get; set; } = pod;

        public long Sequence { get; } = sequence;

        public DateTimeOffset FirstQueued { get; } = firstQueued;

        public int Attempts { get; init; }

        public DateTimeOffset LastAttempt { get; init; } = firstQueued;

        public EntryState State { get; set; }

        public (int Priority, long Sequence) Order { get; set; }

        public DateTimeOffset BackoffUntil { get; set; }
    }

    // Higher priority first, then lower sequence (earlier arrival) first.
    private sealed class ActiveOrder : IComparer<(int Priority, long Sequence)>
    {
        public static readonly ActiveOrder Instance = new();

        public int Compare((int Priority, long Sequence) x, (int Priority, long Sequence) y) =>
            x.Priority != y.Priority ? y.Priority.CompareTo(x.Priority) : x.Sequence.CompareTo(y.Sequence);
    }
}

/// <summary>A pod taken from the <see cref="SchedulingQueue"/> for one scheduling attempt.</summary>
/// <param name="Pod">The pod as last observed.</param>
/// <param name="Sequence">Its arrival order, kept across attempts.</param>
/// <param name="Attempts">How many attempts failed before this one.</param>
/// <param name="FirstQueued">When it was first queued, for the end-to-end latency metric.</param>
internal readonly record struct QueuedPod(Pod Pod, long Sequence, int Attempts, DateTimeOffset FirstQueued);
