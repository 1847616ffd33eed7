using System.Net;

namespace Orchestrator.Networking.Services;

/// <summary>
/// An immutable snapshot of the backends of one Service port: the ready endpoint addresses and the affinity setting.
/// Published by the proxy's sync loop and read lock-free by every connection.
/// </summary>
/// <param name="Backends">The ready backends, in Endpoints order; empty when none is ready.</param>
/// <param name="AffinityTimeout">How long a client IP stays pinned to its backend (ClientIP affinity), or null for none.</param>
internal sealed record BackendSet(IPEndPoint[] Backends, TimeSpan? AffinityTimeout)
{
    public static readonly BackendSet Empty = new([], null);

    /// <summary>The index of <paramref name="backend"/>, or -1 when it is not (any longer) a backend.</summary>
    public int IndexOf(IPEndPoint backend)
    {
        var backends = Backends;
        for (var i = 0; i < backends.Length; i++)
        {
            if (backends[i].Equals(backend)) return i;
        }
        return -1;
    }

    /// <summary>Whether both snapshots hold the same backends in the same order and the same affinity.</summary>
    public bool SameAs(BackendSet other) =>
        AffinityTimeout == other.AffinityTimeout && Backends.AsSpan().SequenceEqual(other.Backends);
}
