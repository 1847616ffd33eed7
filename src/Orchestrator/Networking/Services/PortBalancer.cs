using System.Collections.Concurrent;
using System.Net;

namespace Orchestrator.Networking.Services;

/// <summary>
/// Chooses backends for new connections of one Service port: round-robin over the current <see cref="BackendSet"/>, or
/// the client's pinned backend under ClientIP affinity. Thread-safe and lock-free: the backend set is an immutable
/// snapshot swapped atomically, so a removed endpoint is never chosen after <see cref="Publish"/> returns, while
/// connections already open keep running.
/// </summary>
internal sealed class PortBalancer(string label, TimeProvider time)
{
    private BackendSet _current = BackendSet.Empty;
    private int _next = -1;
    private readonly ConcurrentDictionary<IPAddress, Pin> _pins = new();

    /// <summary>Names the Service port in logs: <c>namespace/name:port/protocol</c>.</summary>
    public string Label { get; } = label;

    /// <summary>The backend snapshot new connections use.</summary>
    public BackendSet Current => Volatile.Read(ref _current);

    /// <summary>Replaces the backends; pins to backends that are gone are dropped.</summary>
    public void Publish(BackendSet backends)
    {
        Volatile.Write(ref _current, backends);
        if (backends.AffinityTimeout is null)
        {
            _pins.Clear();
            return;
        }
        foreach (var (client, pin) in _pins)
        {
            if (backends.IndexOf(pin.Backend) < 0) _pins.TryRemove(client, out _);
        }
    }

    /// <summary>
    /// The index in <paramref name="backends"/> (non-empty) of the first backend to try for a new connection from
    /// <paramref name="client"/>: its pinned backend when affinity is on and the pin is live, else the next in
    /// round-robin order. Callers try the following indexes (wrapping) when a backend fails.
    /// </summary>
    public int First(BackendSet backends, IPAddress? client)
    {
        if (backends.AffinityTimeout is not null && client is not null && _pins.TryGetValue(client, out var pin) &&
            time.GetTimestamp() < pin.ExpiresAt)
        {
            var index = backends.IndexOf(pin.Backend);
            if (index >= 0) return index;
        }
        return (int)((uint)Interlocked.Increment(ref _next) % (uint)backends.Backends.Length);
    }

    /// <summary>Records that <paramref name="client"/> was connected to <paramref name="backend"/> (refreshes its pin).</summary>
    public void Connected(BackendSet backends, IPAddress? client, IPEndPoint backend)
    {
        if (backends.AffinityTimeout is not { } timeout || client is null) return;
        var expiresAt = time.GetTimestamp() + (long)(timeout.TotalSeconds * time.TimestampFrequency);
        _pins[client] = new Pin(backend, expiresAt);
    }

    /// <summary>Drops expired pins; called periodically.</summary>
    public void Sweep()
    {
        if (_pins.IsEmpty) return;
        var now = time.GetTimestamp();
        foreach (var (client, pin) in _pins)
        {
            if (pin.ExpiresAt <= now) _pins.TryRemove(client, out _);
        }
    }

    private readonly record struct Pin(IPEndPoint Backend, long ExpiresAt);
}
