using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>The desired state of a pod (Kubernetes <c>PodSpec</c>).</summary>
/// <remarks>
/// Static API-server defaults are property initializers (<see cref="RestartPolicy"/>, <see cref="DnsPolicy"/>,
/// <see cref="TerminationGracePeriodSeconds"/>, <see cref="SchedulerName"/>), so a spec read from a manifest
/// that omits them already carries the defaults; the defaulter fills in the ones that depend on other fields.
/// </remarks>
public sealed record PodSpec
{
    /// <summary>The application containers; at least one is required. They start after every init container succeeded.</summary>
    public IReadOnlyList<Container> Containers { get; init; } = [];

    /// <summary>Containers run to completion one after another before the application containers start.</summary>
    public IReadOnlyList<Container> InitContainers { get; init; } = [];

    /// <summary>Volumes that containers of the pod can mount by name.</summary>
    public IReadOnlyList<Volume> Volumes { get; init; } = [];

    /// <summary>What happens when a container exits: <see cref="Api.RestartPolicy"/>; defaults to <c>Always</c>.</summary>
    public string RestartPolicy { get; init; } = Api.RestartPolicy.Always;

    /// <summary>Seconds between the stop signal and the kill when the pod is deleted; defaults to 30.</summary>
    public long TerminationGracePeriodSeconds { get; init; } = 30;

    /// <summary>Seconds the pod may be active (from its start) before it is failed with reason <c>DeadlineExceeded</c>.</summary>
    public long? ActiveDeadlineSeconds { get; init; }

    /// <summary>How DNS is configured for the pod: <see cref="Api.DnsPolicy"/>; defaults to <c>ClusterFirst</c>.</summary>
    public string DnsPolicy { get; init; } = Api.DnsPolicy.ClusterFirst;

    /// <summary>Extra DNS settings merged with those the <see cref="DnsPolicy"/> produces.</summary>
    public PodDnsConfig? DnsConfig { get; init; }

    /// <summary>Labels a node must carry for the pod to be scheduled on it.</summary>
    public IReadOnlyDictionary<string, string> NodeSelector { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The service account whose identity the pod runs with; empty means <c>default</c>.</summary>
    public string? ServiceAccountName { get; init; }

    /// <summary>Deprecated alias of <see cref="ServiceAccountName"/>.</summary>
    public string? ServiceAccount { get; init; }

    /// <summary>Whether the service account token is mounted; null defers to the service account.</summary>
    public bool? AutomountServiceAccountToken { get; init; }

    /// <summary>The node the pod is bound to; set by the scheduler, or by the user to bypass it.</summary>
    public string? NodeName { get; init; }

    /// <summary>Use the node's network namespace.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool HostNetwork { get; init; }

    /// <summary>Use the node's process namespace.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool HostPID { get; init; }

    /// <summary>Use the node's IPC namespace.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool HostIPC { get; init; }

    /// <summary>Share one process namespace between the pod's containers.</summary>
    public bool? ShareProcessNamespace { get; init; }

    /// <summary>The pod's hostname; defaults (at run time) to the pod name.</summary>
    public string? Hostname { get; init; }

    /// <summary>With <see cref="Hostname"/>, makes the pod's FQDN <c>hostname.subdomain.namespace.svc</c>.</summary>
    public string? Subdomain { get; init; }

    /// <summary>Write the FQDN, not the short name, as the hostname.</summary>
    public bool? SetHostnameAsFQDN { get; init; }

    /// <summary>Node and inter-pod affinity and anti-affinity scheduling constraints.</summary>
    public Affinity? Affinity { get; init; }

    /// <summary>Taints of nodes that the pod tolerates.</summary>
    public IReadOnlyList<Toleration> Tolerations { get; init; } = [];

    /// <summary>The scheduler that places this pod; defaults to <c>default-scheduler</c>.</summary>
    public string SchedulerName { get; init; } = "default-scheduler";

    /// <summary>The resolved priority; set from <see cref="PriorityClassName"/> on admission.</summary>
    public int? Priority { get; init; }

    /// <summary>The name of the PriorityClass giving the pod its priority.</summary>
    public string? PriorityClassName { get; init; }

    /// <summary><c>PreemptLowerPriority</c> or <c>Never</c>.</summary>
    public string? PreemptionPolicy { get; init; }

    /// <summary>Pod-level security settings that apply to every container unless the container overrides them.</summary>
    public PodSecurityContext? SecurityContext { get; init; }

    /// <summary>Secrets with registry credentials for pulling the pod's images.</summary>
    public IReadOnlyList<LocalObjectReference> ImagePullSecrets { get; init; } = [];

    /// <summary>Extra entries for the pod's <c>/etc/hosts</c>.</summary>
    public IReadOnlyList<HostAlias> HostAliases { get; init; } = [];

    /// <summary>Extra conditions that must be <c>True</c> for the pod to be ready.</summary>
    public IReadOnlyList<PodReadinessGate> ReadinessGates { get; init; } = [];

    /// <summary>How the pod's replicas spread across topology domains (kept, not enforced, by the scheduler).</summary>
    public IReadOnlyList<TopologySpreadConstraint> TopologySpreadConstraints { get; init; } = [];

    /// <summary>Inject environment variables for services of the namespace (Docker links style).</summary>
    public bool? EnableServiceLinks { get; init; }

    /// <summary>The RuntimeClass that runs the pod.</summary>
    public string? RuntimeClassName { get; init; }

    /// <summary>The operating system the pod needs.</summary>
    public PodOS? Os { get; init; }

    /// <summary>Resources the pod's sandbox uses on top of its containers.</summary>
    public IReadOnlyDictionary<string, Quantity> Overhead { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>Every container of the pod: init containers first, then application containers.</summary>
    public IEnumerable<Container> AllContainers() => InitContainers.Concat(Containers);
}

/// <summary>A reference to an object by name in the same namespace (Kubernetes <c>LocalObjectReference</c>).</summary>
public sealed record LocalObjectReference
{
    /// <summary>The name of the referenced object.</summary>
    public string Name { get; init; } = "";
}

/// <summary>An entry for the pod's <c>/etc/hosts</c> (Kubernetes <c>HostAlias</c>).</summary>
public sealed record HostAlias
{
    /// <summary>The address the host names resolve to.</summary>
    public string Ip { get; init; } = "";

    /// <summary>Host names for <see cref="Ip"/>.</summary>
    public IReadOnlyList<string> Hostnames { get; init; } = [];
}

/// <summary>A pod condition that must be <c>True</c> for the pod to be ready (Kubernetes <c>PodReadinessGate</c>).</summary>
public sealed record PodReadinessGate
{
    /// <summary>The condition type in <c>status.conditions</c>.</summary>
    public string ConditionType { get; init; } = "";
}

/// <summary>How pods spread across topology domains (Kubernetes <c>TopologySpreadConstraint</c>).</summary>
public sealed record TopologySpreadConstraint
{
    /// <summary>The largest allowed difference in matching pods between two domains.</summary>
    public int MaxSkew { get; init; }

    /// <summary>The node label whose values define the domains.</summary>
    public string TopologyKey { get; init; } = "";

    /// <summary><c>DoNotSchedule</c> or <c>ScheduleAnyway</c>.</summary>
    public string WhenUnsatisfiable { get; init; } = "";

    /// <summary>Selects the pods counted in each domain.</summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>The minimum number of eligible domains.</summary>
    public int? MinDomains { get; init; }

    /// <summary><c>Honor</c> or <c>Ignore</c> the pod's node affinity when computing skew.</summary>
    public string? NodeAffinityPolicy { get; init; }

    /// <summary><c>Honor</c> or <c>Ignore</c> node taints when computing skew.</summary>
    public string? NodeTaintsPolicy { get; init; }

    /// <summary>Pod label keys whose values are added to <see cref="LabelSelector"/>.</summary>
    public IReadOnlyList<string> MatchLabelKeys { get; init; } = [];
}

/// <summary>Extra DNS settings for a pod (Kubernetes <c>PodDNSConfig</c>).</summary>
public sealed record PodDnsConfig
{
    /// <summary>DNS server addresses.</summary>
    public IReadOnlyList<string> Nameservers { get; init; } = [];

    /// <summary>DNS search domains.</summary>
    public IReadOnlyList<string> Searches { get; init; } = [];

    /// <summary>Resolver options.</summary>
    public IReadOnlyList<PodDnsConfigOption> Options { get; init; } = [];
}

/// <summary>A resolver option (Kubernetes <c>PodDNSConfigOption</c>).</summary>
public sealed record PodDnsConfigOption
{
    /// <summary>The option name, for example <c>ndots</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The option value, if any.</summary>
    public string? Value { get; init; }
}

/// <summary>The operating system a pod needs (Kubernetes <c>PodOS</c>).</summary>
public sealed record PodOS
{
    /// <summary><c>linux</c> or <c>windows</c>.</summary>
    public string Name { get; init; } = "";
}
