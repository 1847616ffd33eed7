using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Computes the subsets of a Service's Endpoints from the pods its selector matches, as Kubernetes' endpoints
/// controller does (<c>syncService</c>, <c>podutil.FindPort</c>, <c>endpoints.RepackSubsets</c>). Pure and thread-safe.
/// </summary>
internal static class EndpointSubsets
{
    /// <summary>
    /// The subsets for <paramref name="service"/> over <paramref name="pods"/> (the pods its selector matches).
    /// </summary>
    /// <remarks>
    /// A pod is left out when it is Succeeded or Failed, has no IP yet, or is terminating (unless
    /// <c>publishNotReadyAddresses</c>). Its address goes to <c>addresses</c> when it is Ready or the service publishes
    /// not-ready addresses, else to <c>notReadyAddresses</c>; it carries <c>hostname</c> when the pod sets
    /// <c>spec.hostname</c> and its <c>spec.subdomain</c> is the service's name. For each service port the target port is
    /// resolved per pod (a named <c>targetPort</c> is the <c>containerPort</c> of the pod's port with that name and the
    /// service port's protocol); a pod that lacks the named port is left out of that service port only. Addresses with
    /// the same resolved ports share a subset. Addresses are sorted by IP then pod uid, ports follow the service's port
    /// order, and subsets are sorted by their first address, so equal inputs give equal (comparable) output.
    /// </remarks>
    public static IReadOnlyList<EndpointSubset> For(Service service, IEnumerable<Pod> pods)
    {
        var spec = service.Spec;
        var includeUnready = spec.PublishNotReadyAddresses;
        var groups = new Dictionary<string, Group>(StringComparer.Ordinal);
        foreach (var pod in pods)
        {
            if (!ShouldBeInEndpoints(pod, includeUnready)) continue;
            var address = AddressOf(service, pod);
            var ready = includeUnready || pod.IsReady();
            EndpointPort[] ports;
            if (spec.Ports.Count == 0)
            {
                // Only a headless service may have no ports; its addresses are published without any.
                if (!spec.IsHeadless()) continue;
                ports = [];
            }
            else
            {
                var resolved = new List<EndpointPort>(spec.Ports.Count);
                foreach (var servicePort in spec.Ports)
                {
                    if (FindPort(pod, servicePort) is not { } number) continue;
                    resolved.Add(new EndpointPort
                    {
                        Name = servicePort.Name,
                        Port = number,
                        Protocol = servicePort.Protocol,
                        AppProtocol = servicePort.AppProtocol,
                    });
                }
                if (resolved.Count == 0) continue;
                ports = [.. resolved];
            }
            var key = string.Join(',', ports.Select(p => $"{p.Name}/{p.Port}/{p.Protocol}/{p.AppProtocol}"));
            if (!groups.TryGetValue(key, out var group)) groups[key] = group = new Group(ports);
            (ready ? group.Ready : group.NotReady).Add(address);
        }
        if (groups.Count == 0) return [];
        var subsets = groups.Values.Select(g => new EndpointSubset
        {
            Addresses = Sorted(g.Ready),
            NotReadyAddresses = Sorted(g.NotReady),
            Ports = g.Ports,
        }).ToList();
        subsets.Sort(static (a, b) => CompareAddresses(First(a), First(b)));
        return subsets;
    }

    /// <summary>
    /// The port number <paramref name="servicePort"/>'s target port means on <paramref name="pod"/>, or null when the pod
    /// has no port of that name and protocol (Kubernetes' <c>podutil.FindPort</c>, sidecar init containers included).
    /// </summary>
    public static int? FindPort(Pod pod, ServicePort servicePort)
    {
        var target = servicePort.TargetPort ?? servicePort.Port;
        if (target.IsInt) return target.IntValue;
        var name = target.StringValue;
        foreach (var container in pod.Spec.Containers)
        {
            if (NamedPort(container, name, servicePort.Protocol) is { } port) return port;
        }
        foreach (var container in pod.Spec.InitContainers)
        {
            if (container.RestartPolicy == "Always" && NamedPort(container, name, servicePort.Protocol) is { } port) return port;
        }
        return null;
    }

    /// <summary>Equal subsets, compared by content.</summary>
    public static bool Equal(IReadOnlyList<EndpointSubset> a, IReadOnlyList<EndpointSubset> b) =>
        a.Count == b.Count && KubernetesJson.ContentEquals(a.ToArray(), b.ToArray());

    private static bool ShouldBeInEndpoints(Pod pod, bool includeTerminating) =>
        !pod.IsTerminal() &&
        !string.IsNullOrEmpty(IPOf(pod)) &&
        (includeTerminating || pod.Metadata.DeletionTimestamp is null);

    private static EndpointAddress AddressOf(Service service, Pod pod) => new()
    {
        Ip = IPOf(pod)!,
        NodeName = string.IsNullOrEmpty(pod.Spec.NodeName) ? null : pod.Spec.NodeName,
        Hostname = !string.IsNullOrEmpty(pod.Spec.Hostname) && pod.Spec.Subdomain == service.Metadata.Name &&
            pod.Metadata.Namespace == service.Metadata.Namespace
            ? pod.Spec.Hostname
            : null,
        TargetRef = new ObjectReference { Kind = "Pod", Namespace = pod.Metadata.Namespace, Name = pod.Metadata.Name, Uid = pod.Metadata.Uid },
    };

    private static string? IPOf(Pod pod) =>
        pod.Status is not { } status ? null : !string.IsNullOrEmpty(status.PodIP) ? status.PodIP : status.PodIPs.FirstOrDefault()?.Ip;

    private static int? NamedPort(Container container, string? name, string protocol)
    {
        foreach (var port in container.Ports)
        {
            if (port.Name == name && port.Protocol == protocol) return port.Port;
        }
        return null;
    }

    private static IReadOnlyList<EndpointAddress> Sorted(List<EndpointAddress> addresses)
    {
        if (addresses.Count == 0) return [];
        addresses.Sort(CompareAddresses);
        return [.. addresses];
    }

    private static EndpointAddress? First(EndpointSubset subset) =>
        subset.Addresses.Count > 0 ? subset.Addresses[0] : subset.NotReadyAddresses.FirstOrDefault();

    private static int CompareAddresses(EndpointAddress? a, EndpointAddress? b)
    {
        if (a is null || b is null) return a is null ? (b is null ? 0 : -1) : 1;
        var byIp = string.CompareOrdinal(a.Ip, b.Ip);
        return byIp != 0 ? byIp : string.CompareOrdinal(a.TargetRef?.Uid, b.TargetRef?.Uid);
    }

    private sealed class Group(EndpointPort[] ports)
    {
        public EndpointPort[] Ports { get; } = ports;

        public List<EndpointAddress> Ready { get; } = [];

        public List<EndpointAddress> NotReady { get; } = [];
    }
}
