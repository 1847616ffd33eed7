using System.Collections.Immutable;
using System.Text;

namespace Orchestrator.Api.Defaulting;

/// <summary>
/// The API-server defaults of the core/v1 kinds that depend on other fields (static defaults such as
/// <c>restartPolicy: Always</c> are property initializers of the records).
/// </summary>
/// <remarks>
/// Every function is idempotent and returns its argument unchanged (the same instance) when nothing needed
/// defaulting, so the store can tell cheaply that a write changed nothing.
/// </remarks>
internal static class CoreDefaults
{
    /// <summary>The <c>clientIP.timeoutSeconds</c> of <c>ClientIP</c> session affinity when unset: 3 hours.</summary>
    public const int DefaultClientIPTimeoutSeconds = 10800;

    /// <summary>Adds the defaulter of every core/v1 kind that needs one to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Func<KubernetesObject, KubernetesObject>> map)
    {
        map[typeof(Pod)] = o => DefaultPod((Pod)o);
        map[typeof(ReplicationController)] = o => DefaultReplicationController((ReplicationController)o);
        map[typeof(Service)] = o => DefaultService((Service)o);
        map[typeof(Secret)] = o => DefaultSecret((Secret)o);
        map[typeof(Namespace)] = o => DefaultNamespace((Namespace)o);
        map[typeof(Node)] = o => DefaultNode((Node)o);
        map[typeof(PersistentVolume)] = o => DefaultPersistentVolume((PersistentVolume)o);
        map[typeof(PersistentVolumeClaim)] = o => DefaultPersistentVolumeClaim((PersistentVolumeClaim)o);
    }

    /// <summary>
    /// Defaults a pod: its spec as <see cref="DefaultPodSpec"/> does, plus what Kubernetes applies to pods but
    /// not to templates: each container requests what it is limited to for resources it sets no request for,
    /// and <c>enableServiceLinks</c> is <c>true</c>.
    /// </summary>
    public static Pod DefaultPod(Pod pod)
    {
        var spec = DefaultPodSpec(pod.Spec);
        var containers = DefaultRequestsFromLimits(spec.Containers);
        var initContainers = DefaultRequestsFromLimits(spec.InitContainers);
        if (!ReferenceEquals(containers, spec.Containers) || !ReferenceEquals(initContainers, spec.InitContainers))
        {
            spec = spec with { Containers = containers, InitContainers = initContainers };
        }
        if (spec.EnableServiceLinks is null) spec = spec with { EnableServiceLinks = true };
        return ReferenceEquals(spec, pod.Spec) ? pod : pod with { Spec = spec };
    }

    /// <summary>Defaults the spec of a pod template, for the workload kinds that embed one.</summary>
    public static PodTemplateSpec DefaultPodTemplate(PodTemplateSpec template)
    {
        var spec = DefaultPodSpec(template.Spec);
        return ReferenceEquals(spec, template.Spec) ? template : template with { Spec = spec };
    }

    /// <summary>
    /// Defaults every container of <paramref name="spec"/> (<c>imagePullPolicy</c>; with <c>hostNetwork</c>,
    /// each port's <c>hostPort</c> to its <c>containerPort</c>).
    /// </summary>
    public static PodSpec DefaultPodSpec(PodSpec spec)
    {
        var containers = DefaultContainers(spec.Containers, spec.HostNetwork);
        var initContainers = DefaultContainers(spec.InitContainers, spec.HostNetwork);
        var result = ReferenceEquals(containers, spec.Containers) && ReferenceEquals(initContainers, spec.InitContainers)
            ? spec
            : spec with { Containers = containers, InitContainers = initContainers };
        // The deprecated serviceAccount field is an alias that Kubernetes reads when serviceAccountName is unset.
        if (string.IsNullOrEmpty(result.ServiceAccountName) && !string.IsNullOrEmpty(result.ServiceAccount))
        {
            result = result with { ServiceAccountName = result.ServiceAccount };
        }
        return result;
    }

    /// <summary>
    /// The pull policy Kubernetes gives a container that does not set one: <c>Always</c> when the image's tag is
    /// <c>latest</c> or it has neither tag nor digest, otherwise <c>IfNotPresent</c>.
    /// </summary>
    public static string DefaultImagePullPolicy(string image)
    {
        var at = image.IndexOf('@');
        var hasDigest = at >= 0;
        var name = hasDigest ? image[..at] : image;
        var colon = name.LastIndexOf(':');
        var tag = colon > name.LastIndexOf('/') ? name[(colon + 1)..] : null;
        if (tag is null && !hasDigest) tag = "latest";
        return tag == "latest" ? PullPolicy.Always : PullPolicy.IfNotPresent;
    }

    /// <summary>Defaults a replication controller: selector and labels from the template, and the template's pod spec.</summary>
    public static ReplicationController DefaultReplicationController(ReplicationController rc)
    {
        var spec = rc.Spec;
        var template = spec.Template;
        var defaulted = DefaultPodTemplate(template);
        if (!ReferenceEquals(defaulted, template)) spec = spec with { Template = defaulted };
        var templateLabels = template.Metadata.Labels;
        if (spec.Selector.Count == 0 && templateLabels.Count > 0) spec = spec with { Selector = templateLabels };
        var result = ReferenceEquals(spec, rc.Spec) ? rc : rc with { Spec = spec };
        if (rc.Metadata.Labels.Count == 0 && templateLabels.Count > 0)
        {
            result = result with { Metadata = result.Metadata with { Labels = templateLabels } };
        }
        return result;
    }

    /// <summary>
    /// Defaults a service: each port's <c>targetPort</c> to its <c>port</c>, the ClientIP affinity timeout, and the
    /// traffic policies (<c>Cluster</c>) where Kubernetes sets them.
    /// </summary>
    public static Service DefaultService(Service service)
    {
        var spec = service.Spec;
        if (spec.Ports.Any(p => p.TargetPort is null))
        {
            spec = spec with { Ports = spec.Ports.Select(p => p.TargetPort is null ? p with { TargetPort = p.Port } : p).ToArray() };
        }
        if (spec.SessionAffinity == SessionAffinity.ClientIP && spec.SessionAffinityConfig?.ClientIP?.TimeoutSeconds is null)
        {
            spec = spec with
            {
                SessionAffinityConfig = new SessionAffinityConfig { ClientIP = new ClientIPConfig { TimeoutSeconds = DefaultClientIPTimeoutSeconds } },
            };
        }
        if (spec.Type is ServiceType.NodePort or ServiceType.LoadBalancer && spec.ExternalTrafficPolicy is null)
        {
            spec = spec with { ExternalTrafficPolicy = ServiceTrafficPolicy.Cluster };
        }
        if (spec.Type != ServiceType.ExternalName && spec.InternalTrafficPolicy is null)
        {
            spec = spec with { InternalTrafficPolicy = ServiceTrafficPolicy.Cluster };
        }
        return ReferenceEquals(spec, service.Spec) ? service : service with { Spec = spec };
    }

    /// <summary>
    /// Merges <c>stringData</c> into <c>data</c> (UTF-8; a <c>stringData</c> key wins over the same <c>data</c> key)
    /// and clears <c>stringData</c>, as the Kubernetes API server does on every write.
    /// </summary>
    public static Secret DefaultSecret(Secret secret)
    {
        if (secret.StringData.Count == 0) return secret;
        var data = secret.Data.ToImmutableDictionary().ToBuilder();
        foreach (var (key, value) in secret.StringData) data[key] = Encoding.UTF8.GetBytes(value);
        return secret with { Data = data.ToImmutable(), StringData = ImmutableDictionary<string, string>.Empty };
    }

    /// <summary>Defaults a namespace's phase to <c>Active</c>.</summary>
    public static Namespace DefaultNamespace(Namespace ns) =>
        string.IsNullOrEmpty(ns.Status?.Phase)
            ? ns with { Status = (ns.Status ?? new NamespaceStatus()) with { Phase = NamespacePhase.Active } }
            : ns;

    /// <summary>Defaults a node's allocatable resources to its capacity when it reports none.</summary>
    public static Node DefaultNode(Node node) =>
        node.Status is { Allocatable.Count: 0, Capacity.Count: > 0 } status
            ? node with { Status = status with { Allocatable = status.Capacity } }
            : node;

    /// <summary>Defaults a persistent volume's phase to <c>Pending</c>.</summary>
    public static PersistentVolume DefaultPersistentVolume(PersistentVolume pv) =>
        string.IsNullOrEmpty(pv.Status?.Phase)
            ? pv with { Status = (pv.Status ?? new PersistentVolumeStatus()) with { Phase = PersistentVolumePhase.Pending } }
            : pv;

    /// <summary>Defaults a claim's phase to <c>Pending</c>.</summary>
    public static PersistentVolumeClaim DefaultPersistentVolumeClaim(PersistentVolumeClaim pvc) =>
        string.IsNullOrEmpty(pvc.Status?.Phase)
            ? pvc with { Status = (pvc.Status ?? new PersistentVolumeClaimStatus()) with { Phase = PersistentVolumeClaimPhase.Pending } }
            : pvc;

    private static IReadOnlyList<Container> DefaultRequestsFromLimits(IReadOnlyList<Container> containers)
    {
        Container[]? result = null;
        for (var i = 0; i < containers.Count; i++)
        {
            if (containers[i].Resources is not { } resources || HasRequestForEveryLimit(resources)) continue;
            var requests = resources.Requests.ToImmutableDictionary().ToBuilder();
            foreach (var (name, limit) in resources.Limits) requests.TryAdd(name, limit);
            result ??= [.. containers];
            result[i] = containers[i] with { Resources = resources with { Requests = requests.ToImmutable() } };
        }
        return result ?? containers;
    }

    // A loop rather than LINQ (and no boxed enumerator for the usual immutable maps): this runs on every pod write.
    private static bool HasRequestForEveryLimit(ResourceRequirements resources)
    {
        if (resources.Limits.Count == 0) return true;
        if (resources.Limits is ImmutableDictionary<string, Quantity> limits)
        {
            foreach (var limit in limits)
            {
                if (!resources.Requests.ContainsKey(limit.Key)) return false;
            }
            return true;
        }
        foreach (var limit in resources.Limits)
        {
            if (!resources.Requests.ContainsKey(limit.Key)) return false;
        }
        return true;
    }

    private static IReadOnlyList<Container> DefaultContainers(IReadOnlyList<Container> containers, bool hostNetwork)
    {
        Container[]? result = null;
        for (var i = 0; i < containers.Count; i++)
        {
            var defaulted = DefaultContainer(containers[i], hostNetwork);
            if (ReferenceEquals(defaulted, containers[i])) continue;
            result ??= [.. containers];
            result[i] = defaulted;
        }
        return result ?? containers;
    }

    // Kubernetes treats an explicit 0 like an absent value and applies the default.
    private static Probe? DefaultProbe(Probe? probe)
    {
        if (probe is null || (probe.TimeoutSeconds != 0 && probe.PeriodSeconds != 0 && probe.SuccessThreshold != 0 && probe.FailureThreshold != 0))
        {
            return probe;
        }
        var defaults = new Probe();
        return probe with
        {
            TimeoutSeconds = probe.TimeoutSeconds == 0 ? defaults.TimeoutSeconds : probe.TimeoutSeconds,
            PeriodSeconds = probe.PeriodSeconds == 0 ? defaults.PeriodSeconds : probe.PeriodSeconds,
            SuccessThreshold = probe.SuccessThreshold == 0 ? defaults.SuccessThreshold : probe.SuccessThreshold,
            FailureThreshold = probe.FailureThreshold == 0 ? defaults.FailureThreshold : probe.FailureThreshold,
        };
    }

    private static Container DefaultContainer(Container container, bool hostNetwork)
    {
        var result = container;
        if (string.IsNullOrEmpty(container.ImagePullPolicy))
        {
            result = result with { ImagePullPolicy = DefaultImagePullPolicy(container.Image) };
        }
        var liveness = DefaultProbe(container.LivenessProbe);
        var readiness = DefaultProbe(container.ReadinessProbe);
        var startup = DefaultProbe(container.StartupProbe);
        if (!ReferenceEquals(liveness, container.LivenessProbe) || !ReferenceEquals(readiness, container.ReadinessProbe) ||
            !ReferenceEquals(startup, container.StartupProbe))
        {
            result = result with { LivenessProbe = liveness, ReadinessProbe = readiness, StartupProbe = startup };
        }
        if (hostNetwork && container.Ports.Any(p => p.HostPort == 0))
        {
            result = result with { Ports = container.Ports.Select(p => p.HostPort == 0 ? p with { HostPort = p.Port } : p).ToArray() };
        }
        return result;
    }
}
