using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Controllers;
using Orchestrator.Networking;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// The agent of one node (the kubelet): registers and heartbeats its Node, adopts what its runtime already runs, and
/// drives each pod bound to the node towards its spec. Created and scheduled by <see cref="NodeAgentHost"/>, which
/// serialises the syncs of each pod; different pods sync concurrently.
/// </summary>
internal sealed partial class NodeAgent
{
    private readonly AgentContext _context;
    private readonly NodeRegistration _registration;
    private readonly ConcurrentDictionary<ObjectKey, PodState> _pods = new();
    private readonly ConcurrentDictionary<string, AdoptedPod> _adoptable = new(StringComparer.Ordinal);
    private readonly IEventRecorder? _recorder;
    private readonly ProbeRunner _probeRunner;
    private readonly EnvironmentResolver _environment;
    private readonly VolumeResolver _volumes;
    private readonly string _bootId = Guid.NewGuid().ToString();
    private RuntimeInfo? _info;
    private DateTimeOffset _readySince;
    private volatile bool _eventsFlow;

    public NodeAgent(NodeRegistration registration, INetworkProvider network, AgentContext context)
    {
        _registration = registration;
        _context = context;
        Network = registration.Network ?? network;
        Options = registration.ClusterDns is { } dns ? context.Options with { ClusterDns = dns } : context.Options;
        _recorder = context.Events?.CreateRecorder("kubelet", registration.Name);
        _probeRunner = new ProbeRunner(registration.Runtime, context.Time);
        _environment = new EnvironmentResolver(context.ConfigMaps, context.Secrets);
        _volumes = new VolumeResolver(context.ConfigMaps, context.Secrets, context.Claims, context.Volumes);
    }

    public string Name => _registration.Name;

    public IContainerRuntime Runtime => _registration.Runtime;

    public INetworkProvider Network { get; }

    /// <summary>The process-wide options, with this node's <see cref="NodeRegistration.ClusterDns"/> when it has its own.</summary>
    private NodeAgentOptions Options { get; }

    private TimeProvider Time => _context.Time;

    private ILogger Logger => _context.Logger;

    private string RuntimeName => _info?.Name ?? "runtime";

    private IReadOnlyDictionary<string, Quantity> Allocatable =>
        _registration.Allocatable ?? _registration.Capacity ?? _info?.Capacity ?? System.Collections.Immutable.ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>How many pods the agent holds state for.</summary>
    public int PodCount => _pods.Count;

    /// <summary>
    /// Registers the Node (creating it, or taking over an existing one) and lists what the runtime already runs for this
    /// node, to adopt it. Called once before any pod is synchronised.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _info = await Runtime.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        _readySince = Time.GetUtcNow();
        await RegisterAsync(cancellationToken).ConfigureAwait(false);

        var filter = new Dictionary<string, string> { [ContainerLabels.NodeName] = Name };
        var sandboxes = await Runtime.ListSandboxesAsync(filter, cancellationToken).ConfigureAwait(false);
        var containers = await Runtime.ListContainersAsync(filter, cancellationToken).ConfigureAwait(false);
        foreach (var sandbox in sandboxes) _adoptable.GetOrAdd(sandbox.PodUid, static _ => new AdoptedPod()).Sandboxes.Add(sandbox);
        foreach (var container in containers) _adoptable.GetOrAdd(container.PodUid, static _ => new AdoptedPod()).Containers.Add(container);
        if (sandboxes.Count + containers.Count > 0) NodeAgentLog.Adopted(Logger, Name, sandboxes.Count, containers.Count);
    }

    /// <summary>
    /// Removes what the runtime runs for pods that no longer exist on this node. Called once the pod cache has synced.
    /// </summary>
    public async Task RemoveOrphansAsync(CancellationToken cancellationToken)
    {
        var live = new HashSet<string>(StringComparer.Ordinal);
        foreach (var pod in _context.Pods.ByIndex(IndexNames.Field("spec.nodeName"), Name))
        {
            if (pod.Metadata.Uid is { } uid) live.Add(uid);
        }
        foreach (var (uid, adopted) in _adoptable)
        {
            if (live.Contains(uid) || !_adoptable.TryRemove(uid, out _)) continue;
            NodeAgentLog.RemovedOrphan(Logger, Name, uid);
            foreach (var container in adopted.Containers) await RemoveQuietlyAsync(container.Id, isSandbox: false, cancellationToken).ConfigureAwait(false);
            foreach (var sandbox in adopted.Sandboxes)
            {
                await DetachQuietlyAsync(sandbox.Id, adopted.Containers.FirstOrDefault()?.Labels ?? sandbox.Labels, cancellationToken).ConfigureAwait(false);
                await RemoveQuietlyAsync(sandbox.Id, isSandbox: true, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Writes the Node's status with fresh heartbeat times; re-registers a Node that was deleted.</summary>
    public async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WriteNodeStatusAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            await RegisterAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Forwards the runtime's container exits to the pod queue until cancelled.</summary>
    public async Task WatchRuntimeEventsAsync(CancellationToken cancellationToken)
    {
        if (Runtime is not IContainerEvents events) return;
        try
        {
            _eventsFlow = true;
            await foreach (var e in events.WatchAsync(cancellationToken).ConfigureAwait(false))
            {
                if (e.Type is not (ContainerEventType.Exited or ContainerEventType.Removed)) continue;
                if (!e.Labels.TryGetValue(ContainerLabels.NodeName, out var node) || node != Name) continue;
                if (e.Labels.TryGetValue(ContainerLabels.PodNamespace, out var ns) && e.Labels.TryGetValue(ContainerLabels.PodName, out var name))
                {
                    var key = new ObjectKey(ns, name);
                    // Something of the pod ended (maybe its sandbox): the next sync also checks the sandbox.
                    if (_pods.TryGetValue(key, out var state))
                    {
                        // A sandbox's own event (its id is its sandbox id) is definite: sandboxes never start again.
                        if (e.ContainerId == e.SandboxId) state.ExitedSandboxId = e.SandboxId;
                        state.ContainersChanged = true;
                        state.CheckSandbox = true;
                    }
                    _context.PodQueue.Add(key);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            NodeAgentLog.EventStreamFailed(Logger, e, Name);
        }
        finally
        {
            _eventsFlow = false;
        }
    }

    private async Task RegisterAsync(CancellationToken cancellationToken)
    {
        var info = _info!;
        var node = NodeObjectFactory.Create(_registration, info);
        try
        {
            await _context.Store.CreateAsync(node, cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // Take over an existing Node: keep what others set, re-assert the agent's own labels.
            var existing = (Node?)await _context.Store.GetAsync(ApiResources.For<Node>(), null, Name, cancellationToken).ConfigureAwait(false);
            if (existing is not null)
            {
                var labels = new Dictionary<string, string>(existing.Metadata.Labels, StringComparer.Ordinal);
                foreach (var (key, value) in NodeObjectFactory.Labels(_registration, info)) labels[key] = value;
                if (labels.Count != existing.Metadata.Labels.Count || labels.Any(kv => existing.Metadata.Labels.GetValueOrDefault(kv.Key) != kv.Value))
                {
                    await _context.Store.UpdateAsync(existing with { Metadata = existing.Metadata with { Labels = labels, ResourceVersion = null } },
                        cancellationToken).ConfigureAwait(false);
                }
            }
        }
        await WriteNodeStatusAsync(cancellationToken).ConfigureAwait(false);
        _recorder?.Normal(node, "Starting", "Starting kubelet.");
        NodeAgentLog.NodeRegistered(Logger, Name);
    }

    private async Task WriteNodeStatusAsync(CancellationToken cancellationToken)
    {
        var images = await Runtime.ListImagesAsync(cancellationToken).ConfigureAwait(false);
        var status = NodeObjectFactory.Status(_registration, _info!, images, _readySince, Time.GetUtcNow(), _bootId, Options);
        // Unconditional (no resourceVersion): the agent is the only writer of its Node's status.
        var node = new Node { Metadata = new ObjectMeta { Name = Name }, Status = status };
        await _context.Store.UpdateStatusAsync(node, cancellationToken).ConfigureAwait(false);
    }

    private async Task RemoveQuietlyAsync(string id, bool isSandbox, CancellationToken cancellationToken)
    {
        try
        {
            if (isSandbox) await Runtime.RemoveSandboxAsync(id, cancellationToken).ConfigureAwait(false);
            else await Runtime.RemoveContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (ContainerRuntimeException e)
        {
            NodeAgentLog.CleanupFailed(Logger, e, id);
        }
    }

    private async Task DetachQuietlyAsync(string sandboxId, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        try
        {
            await Network.DetachAsync(new PodNetworkAttachment(sandboxId, labels.GetValueOrDefault(ContainerLabels.PodNamespace) ?? "",
                labels.GetValueOrDefault(ContainerLabels.PodName) ?? "", labels.GetValueOrDefault(ContainerLabels.PodUid) ?? "", Name),
                cancellationToken).ConfigureAwait(false);
        }
        catch (NetworkException e)
        {
            NodeAgentLog.CleanupFailed(Logger, e, sandboxId);
        }
    }

    private void Event(PodState state, string type, string reason, string message)
    {
        if (_recorder is not null && state.Pod is { } pod) _recorder.Record(pod, type, reason, message);
    }

    /// <summary>What the runtime ran for one pod uid when the agent started.</summary>
    private sealed class AdoptedPod
    {
        public List<RuntimeSandbox> Sandboxes { get; } = [];

        public List<RuntimeContainerStatus> Containers { get; } = [];
    }
}
