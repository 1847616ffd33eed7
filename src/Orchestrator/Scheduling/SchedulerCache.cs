using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// The scheduler's view of the cluster (Kubernetes' scheduler cache and snapshot in one): a <see cref="NodeInfo"/> per
/// node with the pods bound or assumed on it, kept up to date incrementally from node and pod changes.
/// </summary>
/// <remarks>
/// <para>
/// An assumed pod (one the scheduler decided to bind) counts on its node at once, so the next cycle sees its resources
/// taken even before the binding write is observed. When the bound pod is observed the assumption is confirmed; when the
/// binding fails the scheduler forgets it.
/// </para>
/// <para>Not thread-safe: only the scheduling thread changes and reads it, between or during cycles.</para>
/// </remarks>
internal sealed class SchedulerCache
{
    private readonly Dictionary<string, NodeInfo> _nodes = new(StringComparer.Ordinal);
    private readonly List<NodeInfo> _nodeList = [];
    private readonly Dictionary<string, CachedPod> _pods = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _imageNodeCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyDictionary<string, string>> _namespaceLabels = new(StringComparer.Ordinal);
    private readonly HashSet<string> _readWriteOncePodClaims = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _claimUsers = new(StringComparer.Ordinal);

    public SchedulerCache() => Affinity = new AffinityIndex(this);

    /// <summary>Incrementally maintained inter-pod affinity counts.</summary>
    public AffinityIndex Affinity { get; }

    /// <summary>Every real node in insertion order.</summary>
    public IReadOnlyList<NodeInfo> Nodes => _nodeList;

    /// <summary><see cref="Nodes"/> as a concrete list, for hot paths.</summary>
    public List<NodeInfo> NodeList => _nodeList;

    /// <summary>How many pods (bound or assumed) have terms that change other pods' inter-pod affinity scores.</summary>
    public int PodsAffectingAffinityScores { get; private set; }

    /// <summary>How many pods (bound or assumed) have any pod affinity or anti-affinity term.</summary>
    public int PodsWithAffinity { get; private set; }

    /// <summary>How many pods (bound or assumed) have a required pod anti-affinity term.</summary>
    public int PodsWithRequiredAntiAffinity { get; private set; }

    /// <summary>How many pods are bound or assumed.</summary>
    public int PodCount => _pods.Count;

    /// <summary>The real node named <paramref name="name"/>, or null.</summary>
    public NodeInfo? GetNode(string name) =>
        _nodes.TryGetValue(name, out var info) && !info.IsPlaceholder ? info : null;

    /// <summary>How many nodes have <paramref name="normalizedImage"/>.</summary>
    public int ImageNodeCount(string normalizedImage) => _imageNodeCounts.GetValueOrDefault(normalizedImage);

    /// <summary>The labels of namespace <paramref name="ns"/>, or null when unknown.</summary>
    public IReadOnlyDictionary<string, string>? GetNamespaceLabels(string ns) => _namespaceLabels.GetValueOrDefault(ns);

    /// <summary>True when the claim <paramref name="claimKey"/> (<c>namespace/name</c>) has the <c>ReadWriteOncePod</c> access mode.</summary>
    public bool IsReadWriteOncePod(string claimKey) => _readWriteOncePodClaims.Contains(claimKey);

    /// <summary>How many bound or assumed pods use the claim <paramref name="claimKey"/>.</summary>
    public int ClaimUsers(string claimKey) => _claimUsers.GetValueOrDefault(claimKey);

    /// <summary>Records whether a claim is <c>ReadWriteOncePod</c> (null <paramref name="accessModes"/>: the claim is gone).</summary>
    public void SetClaim(string claimKey, IReadOnlyList<string>? accessModes)
    {
        if (accessModes is not null && accessModes.Contains(PersistentVolumeAccessMode.ReadWriteOncePod)) _readWriteOncePodClaims.Add(claimKey);
        else _readWriteOncePodClaims.Remove(claimKey);
    }

    /// <summary>True when <paramref name="podKey"/> is assumed and its binding not yet observed.</summary>
    public bool IsAssumed(string podKey) => _pods.TryGetValue(podKey, out var cached) && cached.Assumed;

    /// <summary>The node the pod is bound or assumed on, or null.</summary>
    public string? NodeOf(string podKey) => _pods.TryGetValue(podKey, out var cached) ? cached.NodeName : null;

    /// <summary>Adds or replaces a node; a node first known from its pods stops being a placeholder.</summary>
    public void AddOrUpdateNode(Node node)
    {
        var name = node.Metadata.Name ?? "";
        if (_nodes.TryGetValue(name, out var info))
        {
            if (!info.IsPlaceholder) CountImages(info, -1);
            var wasPlaceholder = info.IsPlaceholder;
            var oldLabels = info.LabelMap;
            info.SetNode(node);
            if (wasPlaceholder) _nodeList.Add(info);
            if (info.Pods.Count > 0 && (wasPlaceholder || !SameLabels(oldLabels, info.LabelMap))) Affinity.Invalidate();
        }
        else
        {
            info = new NodeInfo(node);
            _nodes[name] = info;
            _nodeList.Add(info);
        }
        CountImages(info, +1);
    }

    /// <summary>Removes a node. Its pods stay accounted (on a placeholder) until they are removed themselves.</summary>
    public void RemoveNode(string name)
    {
        if (!_nodes.TryGetValue(name, out var info) || info.IsPlaceholder) return;
        CountImages(info, -1);
        _nodeList.Remove(info);
        if (info.Pods.Count > 0) Affinity.Invalidate();
        if (info.Pods.Count == 0)
        {
            _nodes.Remove(name);
            return;
        }
        var placeholder = new NodeInfo(name);
        foreach (var pod in info.Pods) placeholder.AddPod(pod);
        _nodes[name] = placeholder;
    }

    /// <summary>Counts <paramref name="pod"/> on <paramref name="nodeName"/> before its binding is observed.</summary>
    public void Assume(PodInfo pod, string nodeName) => Add(pod, nodeName, assumed: true);

    /// <summary>Drops an assumed pod whose binding failed; does nothing once the binding was observed.</summary>
    public void Forget(string podKey)
    {
        if (_pods.TryGetValue(podKey, out var cached) && cached.Assumed) Remove(podKey);
    }

    /// <summary>
    /// Applies an observed pod: a bound, non-terminal pod is (re)counted on its node, confirming an assumption; any other
    /// pod is removed from the cache.
    /// </summary>
    public void AddOrUpdatePod(Pod pod)
    {
        var key = ObjectKey.Of(pod).ToString();
        var nodeName = pod.Spec.NodeName;
        if (string.IsNullOrEmpty(nodeName) || pod.IsTerminal())
        {
            Remove(key);
            return;
        }
        PodInfo info;
        if (_pods.TryGetValue(key, out var cached))
        {
            if (!cached.Assumed && ReferenceEquals(cached.Info.Pod, pod)) return;
            info = cached.Info.WithPod(pod, out var shared);
            if (shared && cached.NodeName == nodeName && _nodes.TryGetValue(nodeName, out var node))
            {
                // Same requests, ports, affinity and labels on the same node (a status update, or the binding
                // confirmed): swap the object, no sum changes.
                node.ReplacePod(cached.Info, info);
                _pods[key] = new CachedPod(info, nodeName, Assumed: false);
                return;
            }
            Remove(key);
        }
        else
        {
            info = new PodInfo(pod);
        }
        Add(info, nodeName, assumed: false);
    }

    /// <summary>Removes a pod (deleted, or no longer bound).</summary>
    public void RemovePod(string podKey) => Remove(podKey);

    /// <summary>Records a namespace's labels, for affinity namespace selectors.</summary>
    public void SetNamespace(string name, IReadOnlyDictionary<string, string>? labels)
    {
        if (labels is null) _namespaceLabels.Remove(name);
        else _namespaceLabels[name] = labels;
    }

    private void Add(PodInfo pod, string nodeName, bool assumed)
    {
        if (!_nodes.TryGetValue(nodeName, out var info))
        {
            info = new NodeInfo(nodeName);
            _nodes[nodeName] = info;
        }
        info.AddPod(pod);
        Affinity.Added(pod, info);
        _pods[pod.Key] = new CachedPod(pod, nodeName, assumed);
        if (pod.HasAffinity) PodsWithAffinity++;
        if (pod.RequiredAntiAffinityTerms.Length > 0) PodsWithRequiredAntiAffinity++;
        if (pod.AffectsAffinityScores) PodsAffectingAffinityScores++;
        foreach (var claim in pod.Claims) _claimUsers[claim] = _claimUsers.GetValueOrDefault(claim) + 1;
    }

    private void Remove(string podKey)
    {
        if (!_pods.Remove(podKey, out var cached)) return;
        if (!_nodes.TryGetValue(cached.NodeName, out var info)) return;
        var removed = info.RemovePod(podKey);
        if (removed is not null)
        {
            Affinity.Removed(removed, info);
            if (removed.HasAffinity) PodsWithAffinity--;
            if (removed.RequiredAntiAffinityTerms.Length > 0) PodsWithRequiredAntiAffinity--;
            if (removed.AffectsAffinityScores) PodsAffectingAffinityScores--;
            foreach (var claim in removed.Claims)
            {
                var users = _claimUsers.GetValueOrDefault(claim) - 1;
                if (users <= 0) _claimUsers.Remove(claim);
                else _claimUsers[claim] = users;
            }
        }
        if (info.IsPlaceholder && info.Pods.Count == 0) _nodes.Remove(cached.NodeName);
    }

    private static bool SameLabels(Dictionary<string, string> a, Dictionary<string, string> b)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || other != value) return false;
        }
        return true;
    }

    private void CountImages(NodeInfo info, int delta)
    {
        foreach (var image in info.ImageSizes.Keys)
        {
            var count = _imageNodeCounts.GetValueOrDefault(image) + delta;
            if (count <= 0) _imageNodeCounts.Remove(image);
            else _imageNodeCounts[image] = count;
        }
    }

    private readonly record struct CachedPod(PodInfo Info, string NodeName, bool Assumed);
}
