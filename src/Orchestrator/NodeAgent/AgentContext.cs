using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;

namespace Orchestrator.NodeAgent;

/// <summary>What every node agent of a host shares: the store, caches, queues, clock and telemetry.</summary>
internal sealed class AgentContext
{
    public required IObjectStore Store { get; init; }

    public required NodeAgentOptions Options { get; init; }

    public required TimeProvider Time { get; init; }

    public required ILister<Pod> Pods { get; init; }

    public required ILister<ConfigMap> ConfigMaps { get; init; }

    public required ILister<Secret> Secrets { get; init; }

    public required ILister<PersistentVolumeClaim> Claims { get; init; }

    public required ILister<PersistentVolume> Volumes { get; init; }

    public required IEventRecorderFactory? Events { get; init; }

    public required ILogger Logger { get; init; }

    public required NodeAgentMetrics Metrics { get; init; }

    /// <summary>The pod work queue shared by every agent of the host.</summary>
    public required WorkQueue<ObjectKey> PodQueue { get; init; }

    /// <summary>The probe work queue shared by every agent of the host.</summary>
    public required WorkQueue<ProbeKey> ProbeQueue { get; init; }

    /// <summary>Which agent holds state for a pod key (so a pod that vanished from the cache is still cleaned up).</summary>
    public ConcurrentDictionary<ObjectKey, NodeAgent> Owners { get; } = new();

    /// <summary>Pods waiting for a ConfigMap, Secret, claim or volume, by the object they wait for.</summary>
    public ConcurrentDictionary<ConfigDependency, ConcurrentDictionary<ObjectKey, byte>> Waiting { get; } = new();

    public void WaitFor(ConfigDependency dependency, ObjectKey pod) =>
        Waiting.GetOrAdd(dependency, static _ => new ConcurrentDictionary<ObjectKey, byte>())[pod] = 0;

    /// <summary>Enqueues the pods waiting for <paramref name="dependency"/> (they re-register if still blocked).</summary>
    public void Wake(ConfigDependency dependency)
    {
        if (!Waiting.TryRemove(dependency, out var pods)) return;
        foreach (var key in pods.Keys) PodQueue.Add(key);
    }
}

/// <summary>One probe of one container instance, as queued for the probe workers; equal only to itself.</summary>
/// <param name="Agent">The agent of the pod's node.</param>
/// <param name="Pod">The pod's state.</param>
/// <param name="Tracker">The container instance's probe results.</param>
/// <param name="Kind">Which probe.</param>
internal readonly record struct ProbeKey(NodeAgent Agent, PodState Pod, ProbeTracker Tracker, Runtime.ProbeKind Kind);
