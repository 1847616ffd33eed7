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
    private readonly List<PodInfo> _pods = [];
    private readonly List<HostPort> _usedPorts = [];
    private Dictionary<string, long> _imageSizes = [];

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

    /// <summary>The node's labels.</summary>
    public IReadOnlyDictionary<string, string> Labels => Node.Metadata.Labels;

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

    /// <summary>How many of <see cref="Pods"/> have any pod affinity or anti-affinity term.</summary>
    internal int PodsWithAffinity { get; private set; }

    /// <summary>How many of <see cref="Pods"/> have a required pod anti-affinity term.</summary>
    internal int PodsWithRequiredAntiAffinity { get; private set; }

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
        var status = node.Status;
        Allocatable = status is null ? new ComputeResources()
            : ComputeResources.From(status.Allocatable.Count > 0 ? status.Allocatable : status.Capacity);
        var images = new Dictionary<string, long>();
        if (status is not null)
        {
            foreach (var image in status.Images)
            {
                foreach (var name in image.Names) images[PodInfo.NormalizeImage(name)] = image.SizeBytes ?? 0;
            }
        }
        _imageSizes = images;
    }

    /// <summary>Adds <paramref name="pod"/> and its requests and ports.</summary>
    internal void AddPod(PodInfo pod)
    {
        _pods.Add(pod);
        Requested.Add(pod.Requests);
        NonZeroRequestedMilliCpu += pod.NonZeroMilliCpu;
        NonZeroRequestedMemory += pod.NonZeroMemory;
        _usedPorts.AddRange(pod.HostPorts);
        if (pod.HasAffinity) PodsWithAffinity++;
        if (pod.RequiredAntiAffinityTerms.Length > 0) PodsWithRequiredAntiAffinity++;
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
            NonZeroRequestedMilliCpu -= pod.NonZeroMilliCpu;
            NonZeroRequestedMemory -= pod.NonZeroMemory;
            foreach (var port in pod.HostPorts) _usedPorts.Remove(port);
            if (pod.HasAffinity) PodsWithAffinity--;
            if (pod.RequiredAntiAffinityTerms.Length > 0) PodsWithRequiredAntiAffinity--;
            return pod;
        }
        return null;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({_pods.Count} pods, requested {Requested})";
}
