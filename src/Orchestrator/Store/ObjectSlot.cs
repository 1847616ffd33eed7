using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>
/// The stored cell of one object. An update replaces <see cref="Current"/> in place, so lookups and indexes keep
/// pointing at the same slot for the object's whole life; only create and delete touch the key map.
/// </summary>
/// <remarks>Written only under the kind's lock; read without locks (<see cref="Current"/> is published with release semantics).</remarks>
internal sealed class ObjectSlot(ObjectKey key, KubernetesObject current)
{
    private KubernetesObject _current = current;
    private long _rankStamp;

    /// <summary>The object's namespace (empty when cluster-scoped) and name.</summary>
    public ObjectKey Key { get; } = key;

    /// <summary>The latest committed state.</summary>
    public KubernetesObject Current
    {
        get => Volatile.Read(ref _current);
        set => Volatile.Write(ref _current, value);
    }

    /// <summary>True once the object was removed; a writer holding a stale slot must look the key up again.</summary>
    public bool Removed { get; set; }

    /// <summary>The key's rank in list order and the epoch of that rank (see <see cref="KeyOrder"/>); 0 when unranked.</summary>
    public long RankStamp
    {
        get => Volatile.Read(ref _rankStamp);
        set => Volatile.Write(ref _rankStamp, value);
    }
}
