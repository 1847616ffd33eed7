using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// A pod with everything the scheduler derives from its spec computed once (Kubernetes' <c>framework.PodInfo</c>):
/// its resource requests, host ports and compiled affinity terms. Plugins read these instead of walking the spec on
/// every node.
/// </summary>
/// <remarks>Immutable; create a new one when the pod changes.</remarks>
public sealed class PodInfo
{
    /// <summary>Derives the scheduling view of <paramref name="pod"/>.</summary>
    public PodInfo(Pod pod)
    {
        ArgumentNullException.ThrowIfNull(pod);
        Pod = pod;
        Namespace = pod.Metadata.Namespace ?? "";
        Name = pod.Metadata.Name ?? "";
        Key = Namespace.Length == 0 ? Name : Namespace + "/" + Name;
        Priority = pod.Spec.Priority ?? 0;
        Requests = PodRequests.Compute(pod.Spec);
        RequestedMilliCpu = Requests.MilliCpu;
        RequestedMemory = Requests.Memory;
        RequestedEphemeral = Requests.EphemeralStorage;
        RequestsScalars = Requests.Scalars.Count > 0;
        var nonZero = PodRequests.Compute(pod.Spec, nonZeroDefaults: true);
        NonZeroMilliCpu = nonZero.MilliCpu;
        NonZeroMemory = nonZero.Memory;
        HostPorts = HostPort.Of(pod.Spec);
        Images = ImageNames(pod.Spec);
        Claims = ClaimKeys(pod.Spec, Namespace);

        Labels = pod.Metadata.Labels.Count == 0 ? NoLabels : new Dictionary<string, string>(pod.Metadata.Labels, StringComparer.Ordinal);
        Tolerations = [.. pod.Spec.Tolerations];
        NodeSelector = [.. pod.Spec.NodeSelector];
        var affinity = pod.Spec.Affinity;
        RequiredNodeAffinity = affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is { } required ? [.. required.NodeSelectorTerms] : null;
        PreferredNodeAffinity = affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution is { Count: > 0 } preferred ? [.. preferred] : [];
        RequiredAffinityTerms = Compile(affinity?.PodAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, Namespace);
        RequiredAntiAffinityTerms = Compile(affinity?.PodAntiAffinity?.RequiredDuringSchedulingIgnoredDuringExecution, Namespace);
        PreferredAffinityTerms = Compile(affinity?.PodAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, Namespace);
        PreferredAntiAffinityTerms = Compile(affinity?.PodAntiAffinity?.PreferredDuringSchedulingIgnoredDuringExecution, Namespace);
        RequiredAffinitySignature = RequiredAffinityTerms.Length == 0 ? "" : string.Join("&", RequiredAffinityTerms.Select(t => t.Signature));

        foreach (var owner in pod.Metadata.OwnerReferences)
        {
            if (owner.Controller != true) continue;
            ControllerUid = string.IsNullOrEmpty(owner.Uid) ? owner.Kind + "/" + owner.Name : owner.Uid;
            break;
        }
    }

    // Shares everything derived from the parts of the spec and metadata that are the same objects in both pods.
    private PodInfo(Pod pod, PodInfo source)
    {
        Pod = pod;
        Namespace = source.Namespace;
        Name = source.Name;
        Key = source.Key;
        Priority = pod.Spec.Priority ?? 0;
        Requests = source.Requests;
        RequestedMilliCpu = source.RequestedMilliCpu;
        RequestedMemory = source.RequestedMemory;
        RequestedEphemeral = source.RequestedEphemeral;
        RequestsScalars = source.RequestsScalars;
        NonZeroMilliCpu = source.NonZeroMilliCpu;
        NonZeroMemory = source.NonZeroMemory;
        HostPorts = source.HostPorts;
        Images = source.Images;
        Claims = source.Claims;
        Labels = source.Labels;
        Tolerations = source.Tolerations;
        NodeSelector = source.NodeSelector;
        RequiredNodeAffinity = source.RequiredNodeAffinity;
        PreferredNodeAffinity = source.PreferredNodeAffinity;
        RequiredAffinityTerms = source.RequiredAffinityTerms;
        RequiredAntiAffinityTerms = source.RequiredAntiAffinityTerms;
        PreferredAffinityTerms = source.PreferredAffinityTerms;
        PreferredAntiAffinityTerms = source.PreferredAntiAffinityTerms;
        RequiredAffinitySignature = source.RequiredAffinitySignature;
        ControllerUid = source.ControllerUid;
    }

    /// <summary>
    /// The scheduling view of <paramref name="pod"/>, a later version of this pod (for example the same pod once bound):
    /// derived data is reused when the parts it comes from are the same objects, as after a <c>with</c> that only set
    /// <c>spec.nodeName</c> or the status.
    /// </summary>
    internal PodInfo WithPod(Pod pod) => WithPod(pod, out _);

    /// <summary>Like <see cref="WithPod(Pod)"/>; <paramref name="shared"/> tells whether the derived data was reused.</summary>
    internal PodInfo WithPod(Pod pod, out bool shared)
    {
        var (a, b) = (Pod, pod);
        shared = true;
        if (ReferenceEquals(a, b)) return this;
        var same = a.Metadata.Name == b.Metadata.Name && a.Metadata.Namespace == b.Metadata.Namespace &&
                   ReferenceEquals(a.Metadata.Labels, b.Metadata.Labels) &&
                   ReferenceEquals(a.Metadata.OwnerReferences, b.Metadata.OwnerReferences) &&
                   ReferenceEquals(a.Spec.Containers, b.Spec.Containers) &&
                   ReferenceEquals(a.Spec.InitContainers, b.Spec.InitContainers) &&
                   ReferenceEquals(a.Spec.Overhead, b.Spec.Overhead) &&
                   ReferenceEquals(a.Spec.Volumes, b.Spec.Volumes) &&
                   ReferenceEquals(a.Spec.Affinity, b.Spec.Affinity) &&
                   ReferenceEquals(a.Spec.Tolerations, b.Spec.Tolerations) &&
                   ReferenceEquals(a.Spec.NodeSelector, b.Spec.NodeSelector);
        shared = same;
        return same ? new PodInfo(pod, this) : new PodInfo(pod);
    }

    /// <summary>The pod.</summary>
    public Pod Pod { get; }

    /// <summary>The pod's namespace.</summary>
    public string Namespace { get; }

    /// <summary>The pod's name.</summary>
    public string Name { get; }

    /// <summary>The pod's key, <c>namespace/name</c>.</summary>
    public string Key { get; }

    /// <summary>The pod's priority (<c>spec.priority</c>, 0 when unset); higher is scheduled first.</summary>
    public int Priority { get; }

    /// <summary>What the pod requests, the amounts that must fit into a node's free allocatable resources.</summary>
    public ComputeResources Requests { get; }

    /// <summary><see cref="Requests"/> CPU (millicores), memory and ephemeral storage, as fields for hot paths.</summary>
    internal readonly long RequestedMilliCpu, RequestedMemory, RequestedEphemeral;

    /// <summary>True when the pod requests an extended resource.</summary>
    internal readonly bool RequestsScalars;

    /// <summary>The CPU request used for scoring: containers without a CPU request count 100m.</summary>
    public long NonZeroMilliCpu { get; }

    /// <summary>The memory request used for scoring: containers without a memory request count 200Mi.</summary>
    public long NonZeroMemory { get; }

    /// <summary>The pod's labels as a dictionary optimized for lookups.</summary>
    internal Dictionary<string, string> Labels { get; }

    /// <summary>The pod's tolerations.</summary>
    internal Toleration[] Tolerations { get; }

    /// <summary>The pod's <c>spec.nodeSelector</c> pairs.</summary>
    internal KeyValuePair<string, string>[] NodeSelector { get; }

    /// <summary>The terms of the required node affinity (ORed), or null when the pod has none.</summary>
    internal NodeSelectorTerm[]? RequiredNodeAffinity { get; }

    /// <summary>The preferred node affinity terms.</summary>
    internal PreferredSchedulingTerm[] PreferredNodeAffinity { get; }

    /// <summary>The host ports of the pod's containers.</summary>
    internal HostPort[] HostPorts { get; }

    /// <summary>The images of every container, normalized (<c>:latest</c> added to an untagged name).</summary>
    internal string[] Images { get; }

    /// <summary>The keys (<c>namespace/name</c>) of the PersistentVolumeClaims the pod's volumes use.</summary>
    internal string[] Claims { get; }

    /// <summary>Required pod affinity terms.</summary>
    internal AffinityTerm[] RequiredAffinityTerms { get; }

    /// <summary>The signatures of <see cref="RequiredAffinityTerms"/> joined: identical for pods with identical terms.</summary>
    internal string RequiredAffinitySignature { get; }

    /// <summary>Required pod anti-affinity terms.</summary>
    internal AffinityTerm[] RequiredAntiAffinityTerms { get; }

    /// <summary>Preferred pod affinity terms, with their weights.</summary>
    internal AffinityTerm[] PreferredAffinityTerms { get; }

    /// <summary>Preferred pod anti-affinity terms, with their weights.</summary>
    internal AffinityTerm[] PreferredAntiAffinityTerms { get; }

    /// <summary>True when the pod has any pod affinity or anti-affinity term (Kubernetes' "pods with affinity").</summary>
    internal bool HasAffinity =>
        RequiredAffinityTerms.Length + RequiredAntiAffinityTerms.Length + PreferredAffinityTerms.Length + PreferredAntiAffinityTerms.Length > 0;

    /// <summary>
    /// True when the pod's terms can change other pods' inter-pod affinity scores: it has required affinity, preferred
    /// affinity or preferred anti-affinity terms (required anti-affinity only filters).
    /// </summary>
    internal bool AffectsAffinityScores =>
        RequiredAffinityTerms.Length + PreferredAffinityTerms.Length + PreferredAntiAffinityTerms.Length > 0;

    /// <summary>The uid of the pod's managing controller (its controller owner reference), or null.</summary>
    internal string? ControllerUid { get; }

    private static readonly Dictionary<string, string> NoLabels = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public override string ToString() => Key;

    /// <summary>Normalizes an image reference the way Kubernetes' image locality does: adds <c>:latest</c> when untagged.</summary>
    internal static string NormalizeImage(string image)
    {
        if (image.Contains('@')) return image;
        var lastSlash = image.LastIndexOf('/');
        return image.IndexOf(':', lastSlash + 1) >= 0 ? image : image + ":latest";
    }

    private static string[] ImageNames(PodSpec spec)
    {
        var images = new string[spec.InitContainers.Count + spec.Containers.Count];
        var i = 0;
        foreach (var container in spec.InitContainers) images[i++] = NormalizeImage(container.Image);
        foreach (var container in spec.Containers) images[i++] = NormalizeImage(container.Image);
        return images;
    }

    private static string[] ClaimKeys(PodSpec spec, string ns)
    {
        List<string>? claims = null;
        foreach (var volume in spec.Volumes)
        {
            if (volume.PersistentVolumeClaim is { } claim) (claims ??= []).Add(ns + "/" + claim.ClaimName);
        }
        return claims?.ToArray() ?? [];
    }

    private static AffinityTerm[] Compile(IReadOnlyList<PodAffinityTerm>? terms, string ns)
    {
        if (terms is null || terms.Count == 0) return [];
        var result = new AffinityTerm[terms.Count];
        for (var i = 0; i < result.Length; i++) result[i] = AffinityTerm.Create(terms[i], ns);
        return result;
    }

    private static AffinityTerm[] Compile(IReadOnlyList<WeightedPodAffinityTerm>? terms, string ns)
    {
        if (terms is null || terms.Count == 0) return [];
        var result = new AffinityTerm[terms.Count];
        for (var i = 0; i < result.Length; i++) result[i] = AffinityTerm.Create(terms[i].PodAffinityTerm, ns, terms[i].Weight);
        return result;
    }
}
