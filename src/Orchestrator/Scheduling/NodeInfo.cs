using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// A node with the pods placed on it and their sums (Kubernetes' <c>framework.NodeInfo</c>): requested resources, the
/// non-zero requests used for scoring, host ports in use and the images present. The scheduler keeps one per node and
/// updates it incrementally as pods are bound (including pods it has assumed but not yet seen bound) or removed.
/// </summary>
/// <remarks>
/// Plugins only read it. The scheduler changes it on its scheduling thread between scheduling cycles, never during one.
/// </remarks>
public sealed class NodeInfo
{
    private static readonly Dictionary<string, string> NoLabels = new(StringComparer.Ordinal);
    private static readonly Dictionary<string, long> NoImages = new(StringComparer.Ordinal);

    private readonly List<PodInfo> _pods = [];
    private readonly List<PodInfo> _podsWithAffinity = [];
    private readonly List<PodInfo> _podsWithRequiredAntiAffinity = [];
    private readonly List<HostPort> _usedPorts = [];
    private Dictionary<string, long> _imageSizes = NoImages;
    private Dictionary<string, string> _labels = NoLabels;

    /// <summary>Creates the view of <paramref name="node"/> with <paramref name="pods"/> placed on it.</summary>
    public NodeInfo(Node node, IEnumerable<Pod>? pods = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        Name = node.Metadata.Name ?? "";
        Node = node;
        SetNode(node);
        if (pods is null) return;
        foreach (var pod in pods) AddPod(new PodInfo(pod));
    }

    /// <summary>Creates a placeholder for pods bound to a node the scheduler has not seen (yet).</summary>
    internal NodeInfo(string name)
    {
        Name = name;
        Node = new Node { Metadata = new ObjectMeta { Name = name } };
        Allocatable = new ComputeResources();
        IsPlaceholder = true;
    }

    /// <summary>The node's name.</summary>
    public string Name { get; }

    /// <summary>The node object.</summary>
    public Node Node { get; private set; }

    /// <summary>The node's labels (a copy of <c>metadata.labels</c> optimized for lookups).</summary>
    public IReadOnlyDictionary<string, string> Labels => _labels;

    /// <summary>The pods placed on the node, including pods the scheduler assumed but has not seen bound.</summary>
    public IReadOnlyList<PodInfo> Pods => _pods;

    /// <summary>The sum of the requests of <see cref="Pods"/>.</summary>
    public ComputeResources Requested { get; } = new();

    /// <summary>The sum of the pods' CPU requests for scoring (100m per container without a request).</summary>
    public long NonZeroRequestedMilliCpu { get; private set; }

    /// <summary>The sum of the pods' memory requests for scoring (200Mi per container without a request).</summary>
    public long NonZeroRequestedMemory { get; private set; }

    /// <summary>
    /// What the node offers pods: <c>status.allocatable</c>, or <c>status.capacity</c> when the node reports no allocatable
    /// resources. A node without a <c>pods</c> entry admits no pod, as in Kubernetes.
    /// </summary>
    public ComputeResources Allocatable { get; private set; } = new();

    /// <summary>Image sizes in bytes by normalized image name, for every name of every image on the node.</summary>
    public IReadOnlyDictionary<string, long> ImageSizes => _imageSizes;

    /// <summary>The host ports bound by <see cref="Pods"/>.</summary>
    internal IReadOnlyList<HostPort> UsedPorts => _usedPorts;

    /// <summary>The node's labels as a concrete dictionary, for hot paths.</summary>
    internal Dictionary<string, string> LabelMap => _labels;

    /// <summary><see cref="Pods"/> as a concrete list, for hot paths.</summary>
    internal List<PodInfo> PodList => _pods;

    /// <summary>The pods with any pod affinity or anti-affinity term (Kubernetes' <c>PodsWithAffinity</c>).</summary>
    internal List<PodInfo> PodsWithAffinity => _podsWithAffinity;

    /// <summary>The pods with a required pod anti-affinity term (Kubernetes' <c>PodsWithRequiredAntiAffinity</c>).</summary>
    internal List<PodInfo> PodsWithRequiredAntiAffinity => _podsWithRequiredAntiAffinity;

    // Copies of the numbers filters and scores read for every node, kept in this object so that a node costs one memory
    // load instead of a chain of them (Node, Spec, ComputeResources).

    /// <summary><c>spec.unschedulable</c>.</summary>
    internal bool Unschedulable;

    /// <summary><see cref="Allocatable"/> CPU (millicores), memory, ephemeral storage and pods.</summary>
    internal long AllocatableMilliCpu, AllocatableMemory, AllocatableEphemeral, AllocatablePods;

    /// <summary><see cref="Requested"/> CPU (millicores), memory and ephemeral storage.</summary>
    internal long RequestedMilliCpu, RequestedMemory, RequestedEphemeral;

    /// <summary>The node's <c>kubernetes.io/hostname</c> label, or null.</summary>
    internal string? Hostname { get; private set; }

    /// <summary>The node's value of the topology key of <paramref name="term"/>, with a fast path for the hostname label.</summary>
    internal bool TryGetTopologyValue(AffinityTerm term, out string value)
    {
        if (term.IsHostnameTopology)
        {
            value = Hostname!;
            return Hostname is not null;
        }
        return _labels.TryGetValue(term.TopologyKey, out value!);
    }

    /// <summary>The node's taints.</summary>
    internal Taint[] Taints { get; private set; } = [];

    /// <summary>True when the node has a <c>PreferNoSchedule</c> taint.</summary>
    internal bool HasPreferNoScheduleTaints { get; private set; }

    /// <summary>The status of the node's <c>Ready</c> condition, or null when it reports none.</summary>
    internal string? ReadyStatus { get; private set; }

    /// <summary>True for a node known only from pods bound to it; never offered to plugins.</summary>
    internal bool IsPlaceholder { get; private set; }

    /// <summary>True when one of the node's pods binds a host port that conflicts with <paramref name="port"/>.</summary>
    internal bool HasPortConflict(HostPort port)
    {
        foreach (var used in _usedPorts)
        {
            if (used.ConflictsWith(port)) return true;
        }
        return false;
    }

    /// <summary>Replaces the node object, keeping the pods.</summary>
    internal void SetNode(Node node)
    {
        Node = node;
        IsPlaceholder = false;
        _labels = node.Metadata.Labels.Count == 0 ? NoLabels : new Dictionary<string, string>(node.Metadata.Labels, StringComparer.Ordinal);
        Hostname = _labels.GetValueOrDefault(WellKnownLabels.Hostname);
        Taints = [.. node.Spec.Taints];
        HasPreferNoScheduleTaints = Array.Exists(Taints, t => t.Effect == TaintEffect.PreferNoSchedule);
        ReadyStatus = node.Status?.GetCondition(NodeConditionType.Ready)?.Status;
        var status = node.Status;
        Allocatable = status is null ? new ComputeResources()
            : ComputeResources.From(status.Allocatable.Count > 0 ? status.Allocatable : status.Capacity);
        Unschedulable = node.Spec.Unschedulable;
        AllocatableMilliCpu = Allocatable.MilliCpu;
        AllocatableMemory = Allocatable.Memory;
        AllocatableEphemeral = Allocatable.EphemeralStorage;
        AllocatablePods = Allocatable.Pods;
        if (status is null || status.Images.Count == 0)
        {
            _imageSizes = NoImages;
            return;
        }
        var images = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var image in status.Images)
        {
            foreach (var name in image.Names) images[PodInfo.NormalizeImage(name)] = image.SizeBytes ?? 0;
        }
        _imageSizes = images;
    }

    /// <summary>Adds <paramref name="pod"/> and its requests and ports.</summary>
    internal void AddPod(PodInfo pod)
    {
        _pods.Add(pod);
        Requested.Add(pod.Requests);
        RequestedMilliCpu += pod.RequestedMilliCpu;
        RequestedMemory += pod.RequestedMemory;
        RequestedEphemeral += pod.RequestedEphemeral;
        NonZeroRequestedMilliCpu += pod.NonZeroMilliCpu;
        NonZeroRequestedMemory += pod.NonZeroMemory;
        if (pod.HostPorts.Length > 0) _usedPorts.AddRange(pod.HostPorts);
        if (pod.HasAffinity) _podsWithAffinity.Add(pod);
        if (pod.RequiredAntiAffinityTerms.Length > 0) _podsWithRequiredAntiAffinity.Add(pod);
    }

    /// <summary>
    /// Replaces <paramref name="old"/> with <paramref name="updated"/>, a later version of the same pod with the same
    /// requests, ports, affinity and labels (see <see cref="PodInfo.WithPod(Pod, out bool)"/>), so no sum changes.
    /// </summary>
    internal void ReplacePod(PodInfo old, PodInfo updated)
    {
        Replace(_pods, old, updated);
        if (old.HasAffinity) Replace(_podsWithAffinity, old, updated);
        if (old.RequiredAntiAffinityTerms.Length > 0) Replace(_podsWithRequiredAntiAffinity, old, updated);
    }

    private static void Replace(List<PodInfo> list, PodInfo old, PodInfo updated)
    {
        var index = list.IndexOf(old);
        if (index >= 0) list[index] = updated;
    }

    /// <summary>Removes the pod with key <paramref name="podKey"/>; returns it, or null when it is not on the node.</summary>
    internal PodInfo? RemovePod(string podKey)
    {
        for (var i = 0; i < _pods.Count; i++)
        {
            var pod = _pods[i];
            if (pod.Key != podKey) continue;
            _pods[i] = _pods[^1];
            _pods.RemoveAt(_pods.Count - 1);
            Requested.Add(pod.Requests, -1);
            RequestedMilliCpu -= pod.RequestedMilliCpu;
            RequestedMemory -= pod.RequestedMemory;
            RequestedEphemeral -= pod.RequestedEphemeral;
            NonZeroRequestedMilliCpu -= pod.NonZeroMilliCpu;
            NonZeroRequestedMemory -= pod.NonZeroMemory;
            foreach (var port in pod.HostPorts) _usedPorts.Remove(port);
            if (pod.HasAffinity) _podsWithAffinity.Remove(pod);
            if (pod.RequiredAntiAffinityTerms.Length > 0) _podsWithRequiredAntiAffinity.Remove(pod);
            return pod;
        }
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({_pods.Count} pods, requested {Requested})";
}
