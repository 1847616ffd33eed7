using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>
/// A stable virtual address for a set of pods chosen by a label selector (Kubernetes core/v1 <c>Service</c>).
/// </summary>
public sealed record Service : KubernetesObject<ServiceSpec, ServiceStatus>
{
    /// <summary>Creates an empty <c>v1</c> Service.</summary>
    public Service() : base("v1", "Service")
    {
    }
}

/// <summary>The desired state of a service (Kubernetes <c>ServiceSpec</c>).</summary>
public sealed record ServiceSpec
{
    /// <summary><c>ClusterIP</c> (the default), <c>NodePort</c>, <c>LoadBalancer</c> or <c>ExternalName</c>; see <see cref="ServiceType"/>.</summary>
    public string Type { get; init; } = ServiceType.ClusterIP;

    /// <summary>Pods with these labels back the service; empty means endpoints are managed by hand.</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>The ports the service exposes.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init; } = [];

    /// <summary>The virtual IP; allocated when empty, <c>None</c> for a headless service.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>Every virtual IP; the first equals <see cref="ClusterIP"/>.</summary>
    public IReadOnlyList<string> ClusterIPs { get; init; } = [];

    /// <summary>External addresses that also route to the service.</summary>
    public IReadOnlyList<string> ExternalIPs { get; init; } = [];

    /// <summary>The DNS name a service of type <c>ExternalName</c> aliases.</summary>
    public string? ExternalName { get; init; }

    /// <summary><c>None</c> (the default) or <c>ClientIP</c>; see <see cref="Api.SessionAffinity"/>.</summary>
    public string SessionAffinity { get; init; } = Api.SessionAffinity.None;

    /// <summary>Settings of <c>ClientIP</c> session affinity; the defaulter fills it in for <c>ClientIP</c>.</summary>
    public SessionAffinityConfig? SessionAffinityConfig { get; init; }

    /// <summary>Include pods that are not ready in the endpoints (used for peer discovery).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool PublishNotReadyAddresses { get; init; }

    /// <summary><c>Cluster</c> or <c>Local</c> routing of external traffic; defaulted to <c>Cluster</c> for NodePort and LoadBalancer.</summary>
    public string? ExternalTrafficPolicy { get; init; }

    /// <summary><c>Cluster</c> or <c>Local</c> routing of in-cluster traffic; defaulted to <c>Cluster</c> except for ExternalName.</summary>
    public string? InternalTrafficPolicy { get; init; }

    /// <summary>The IP families of the service (<c>IPv4</c>, <c>IPv6</c>).</summary>
    public IReadOnlyList<string> IpFamilies { get; init; } = [];

    /// <summary><c>SingleStack</c>, <c>PreferDualStack</c> or <c>RequireDualStack</c>.</summary>
    public string? IpFamilyPolicy { get; init; }

    /// <summary>The load balancer IP requested (deprecated).</summary>
    public string? LoadBalancerIP { get; init; }

    /// <summary>Client CIDRs allowed through the load balancer.</summary>
    public IReadOnlyList<string> LoadBalancerSourceRanges { get; init; } = [];

    /// <summary>The load balancer implementation.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>Whether node ports are allocated for a LoadBalancer service.</summary>
    public bool? AllocateLoadBalancerNodePorts { get; init; }

    /// <summary>The health check node port for <c>externalTrafficPolicy: Local</c>.</summary>
    public int? HealthCheckNodePort { get; init; }

    /// <summary>True when the service has no virtual IP (<c>clusterIP: None</c>).</summary>
    public bool IsHeadless() => ClusterIP == "None";
}

/// <summary>A port of a service (Kubernetes <c>ServicePort</c>).</summary>
public sealed record ServicePort
{
    /// <summary>The port name; required when the service has more than one port, and unique.</summary>
    public string? Name { get; init; }

    /// <summary><c>TCP</c> (the default), <c>UDP</c> or <c>SCTP</c>.</summary>
    public string Protocol { get; init; } = Api.Protocol.Tcp;

    /// <summary>The application protocol, for example <c>http</c> or <c>kubernetes.io/h2c</c>.</summary>
    public string? AppProtocol { get; init; }

    /// <summary>The port the service exposes, 1-65535.</summary>
    public int Port { get; init; }

    /// <summary>
    /// The pod port traffic goes to: a number, or the name of a container port. The defaulter sets it to
    /// <see cref="Port"/> when unset.
    /// </summary>
    public IntOrString? TargetPort { get; init; }

    /// <summary>The port on every node for NodePort and LoadBalancer services, 30000-32767; allocated when 0.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int NodePort { get; init; }
}

/// <summary>Session affinity settings (Kubernetes <c>SessionAffinityConfig</c>).</summary>
public sealed record SessionAffinityConfig
{
    /// <summary>Settings of <c>ClientIP</c> affinity.</summary>
    public ClientIPConfig? ClientIP { get; init; }
}

/// <summary>Client IP affinity settings (Kubernetes <c>ClientIPConfig</c>).</summary>
public sealed record ClientIPConfig
{
    /// <summary>How long a client sticks to one pod, 1-86400 seconds; defaults to 10800 (3 hours).</summary>
    public int? TimeoutSeconds { get; init; }
}

/// <summary>The observed state of a service (Kubernetes <c>ServiceStatus</c>).</summary>
public sealed record ServiceStatus
{
    /// <summary>The load balancer, for LoadBalancer services.</summary>
    public LoadBalancerStatus? LoadBalancer { get; init; }

    /// <summary>Service conditions.</summary>
    public IReadOnlyList<ServiceCondition> Conditions { get; init; } = [];
}

/// <summary>A load balancer (Kubernetes <c>LoadBalancerStatus</c>).</summary>
public sealed record LoadBalancerStatus
{
    /// <summary>The load balancer's ingress points.</summary>
    public IReadOnlyList<LoadBalancerIngress> Ingress { get; init; } = [];
}

/// <summary>An ingress point of a load balancer (Kubernetes <c>LoadBalancerIngress</c>).</summary>
public sealed record LoadBalancerIngress
{
    /// <summary>An IP address.</summary>
    public string? Ip { get; init; }

    /// <summary>A host name.</summary>
    public string? Hostname { get; init; }

    /// <summary><c>VIP</c> or <c>Proxy</c>.</summary>
    public string? IpMode { get; init; }
}

/// <summary>A service condition (the shape of Kubernetes <c>metav1.Condition</c>).</summary>
public sealed record ServiceCondition
{
    /// <summary>The condition type.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>The generation the condition was set for.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason.</summary>
    public string Reason { get; init; } = "";

    /// <summary>A human-readable explanation.</summary>
    public string Message { get; init; } = "";
}

/// <summary>Values of a service's <c>spec.type</c>.</summary>
public static class ServiceType
{
    /// <summary>A virtual IP reachable inside the cluster (the default).</summary>
    public const string ClusterIP = "ClusterIP";

    /// <summary>A cluster IP plus a port on every node.</summary>
    public const string NodePort = "NodePort";

    /// <summary>A node port plus an external load balancer.</summary>
    public const string LoadBalancer = "LoadBalancer";

    /// <summary>A DNS alias (CNAME) of <c>spec.externalName</c>; no proxying.</summary>
    public const string ExternalName = "ExternalName";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [ClusterIP, NodePort, LoadBalancer, ExternalName];
}

/// <summary>Values of a service's <c>spec.sessionAffinity</c>.</summary>
public static class SessionAffinity
{
    /// <summary>No affinity (the default).</summary>
    public const string None = "None";

    /// <summary>Requests from one client IP go to the same pod.</summary>
    public const string ClientIP = "ClientIP";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [None, ClientIP];
}

/// <summary>Values of a service's <c>externalTrafficPolicy</c> and <c>internalTrafficPolicy</c>.</summary>
public static class ServiceTrafficPolicy
{
    /// <summary>Route to every ready endpoint in the cluster.</summary>
    public const string Cluster = "Cluster";

    /// <summary>Route only to endpoints on the receiving node.</summary>
    public const string Local = "Local";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Cluster, Local];
}
