namespace Orchestrator.Store;

/// <summary>The cluster-wide resourceVersion counter shared by every kind of one store.</summary>
internal sealed class ResourceVersionClock
{
    private long _value;

    /// <summary>The latest version handed out.</summary>
    public long Current => Volatile.Read(ref _value);

    /// <summary>Takes the next version. Called under the writing kind's lock, so versions of one kind are committed in order.</summary>
    public long Next() => Interlocked.Increment(ref _value);
}
