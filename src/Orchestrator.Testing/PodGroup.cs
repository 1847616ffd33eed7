using System.Net;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Client;
using Orchestrator.Networking;
using Orchestrator.Runtime;
using Orchestrator.Store;

namespace Orchestrator.Testing;

/// <summary>
/// Objects started together by <see cref="TestCluster.StartGroupAsync(PodGroupBuilder, CancellationToken)"/> in a namespace
/// of their own (so tests running in parallel never see each other's objects). Disposing it deletes the namespace and
/// with it every object and container of the group.
/// </summary>
/// <remarks>Thread-safe. Tear-down is idempotent and never throws; it is bounded by a timeout.</remarks>
public sealed class PodGroup : IAsyncDisposable
{
    private static readonly TimeSpan TeardownTimeout = TimeSpan.FromSeconds(30);
    private readonly TimeSpan _teardownGrace;
    private int _disposed;

    internal PodGroup(TestCluster cluster, string @namespace, IReadOnlyList<KubernetesObject> objects, TimeSpan teardownGrace)
    {
        Cluster = cluster;
        Namespace = @namespace;
        Objects = objects;
        _teardownGrace = teardownGrace;
    }

    /// <summary>The cluster the group runs in.</summary>
    public TestCluster Cluster { get; }

    /// <summary>The group's own namespace, <c>{prefix}-{random}</c>.</summary>
    public string Namespace { get; }

    /// <summary>The objects as applied (cluster-scoped ones included), in the order applied.</summary>
    public IReadOnlyList<KubernetesObject> Objects { get; }

    /// <summary>The cluster's client.</summary>
    public IOrchestratorClient Client => Cluster.Client;

    internal TimeProvider Time => Cluster.Time;

    /// <summary>The pods of the group, optionally only those matching <paramref name="labelSelector"/>.</summary>
    public Task<IReadOnlyList<Pod>> GetPodsAsync(string? labelSelector = null, CancellationToken cancellationToken = default) =>
        Client.ListAsync<Pod>(Namespace, labelSelector, cancellationToken);

    /// <summary>The pod named <paramref name="name"/>.</summary>
    /// <exception cref="NotFoundException">There is no such pod in the group.</exception>
    public async Task<Pod> GetPodAsync(string name, CancellationToken cancellationToken = default) =>
        await Client.Store.GetRequiredAsync<Pod>(Namespace, name, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// An address the test process can connect to for <paramref name="port"/> of the Service, Pod or workload named
    /// <paramref name="name"/>: the IP of a Ready pod (of the Service's selector, or of the workload) and the container port
    /// (a Service port is mapped to its <c>targetPort</c>, by number or by name).
    /// </summary>
    /// <remarks>
    /// Orchestrator has no Service proxy: the address is a pod's own. It is reachable from the test process when the
    /// runtime's pod network is: with Docker on Linux the pods' bridge network is routed from the host; on Docker Desktop
    /// (macOS, Windows) it is not. On simulated nodes the address is the simulated pod IP, which identifies the pod but
    /// accepts no connections.
    /// </remarks>
    /// <exception cref="InvalidOperationException">Nothing of that name exists in the group, no pod is Ready, or the port is not exposed.</exception>
    public async Task<IPEndPoint> GetEndpointAsync(string name, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (await Client.GetAsync<Service>(Namespace, name, cancellationToken).ConfigureAwait(false) is { } service)
        {
            var servicePort = service.Spec.Ports.FirstOrDefault(p => p.Port == port)
                ?? throw new InvalidOperationException($"Service {name} has no port {port}; it has {string.Join(", ", service.Spec.Ports.Select(p => p.Port))}.");
            if (service.Spec.Selector.Count == 0) throw new InvalidOperationException($"Service {name} has no selector, so no pod backs it.");
            var pod = await ReadyPodAsync(Selector.FromLabels(service.Spec.Selector), $"Service {name}", cancellationToken).ConfigureAwait(false);
            var target = servicePort.TargetPort switch
            {
                null => servicePort.Port,
                { } t when t.IsInt => t.IntValue,
                { } t => pod.Spec.Containers.SelectMany(c => c.Ports).FirstOrDefault(p => p.Name == t.StringValue)?.Port
                    ?? throw new InvalidOperationException($"Service {name} targets port \"{t.StringValue}\", which no container of pod {pod.Metadata.Name} names."),
            };
            return EndpointOf(pod, target);
        }
        if (await Client.GetAsync<Pod>(Namespace, name, cancellationToken).ConfigureAwait(false) is { } single)
        {
            if (!single.IsReady()) throw new InvalidOperationException($"Pod {name} is not Ready: {single.Status?.Phase ?? "Pending"}.");
            return EndpointOf(single, port);
        }
        foreach (var workload in Objects.Where(o => o.Metadata.Name == name && o is Deployment or ReplicaSet or StatefulSet or DaemonSet or ReplicationController))
        {
            var selector = workload switch
            {
                Deployment d => Selector.FromLabelSelector(d.Spec.Selector),
                ReplicaSet r => Selector.FromLabelSelector(r.Spec.Selector),
                StatefulSet s => Selector.FromLabelSelector(s.Spec.Selector),
                DaemonSet ds => Selector.FromLabelSelector(ds.Spec.Selector),
                ReplicationController rc => Selector.FromLabels(rc.Spec.Selector),
                _ => Selector.Nothing,
            };
            return EndpointOf(await ReadyPodAsync(selector, $"{workload.Kind} {name}", cancellationToken).ConfigureAwait(false), port);
        }
        throw new InvalidOperationException($"The group has no Service, Pod or workload named {name} in namespace {Namespace}.");
    }

    /// <summary>
    /// The host address of <paramref name="port"/> (the Service port, not the target port) of the group's Service
    /// <paramref name="service"/>: a loopback endpoint of the in-process Service proxy that forwards each connection to a
    /// Ready pod of the Service, so it works wherever the test process runs (unlike <see cref="GetEndpointAsync"/>, which
    /// is a pod's own IP). Waits, bounded by <paramref name="cancellationToken"/>, until the Service and its port exist.
    /// </summary>
    /// <exception cref="InvalidOperationException">The cluster has no Service networking registered.</exception>
    /// <exception cref="ServiceNotFoundException">The token was cancelled before the Service port appeared.</exception>
    public async Task<IPEndPoint> GetServiceAddressAsync(string service, int port, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        if (Cluster.Services.GetService(typeof(IServiceAddresses)) is not IServiceAddresses addresses)
        {
            throw new InvalidOperationException(
                $"The cluster has no Service networking (IServiceAddresses is not registered), so Service {service} has no host address; use GetEndpointAsync for a pod's own address.");
        }
        return await addresses.GetServiceAddressAsync(Namespace, service, port, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Waits with <paramref name="wait"/>; see <see cref="Wait"/>.</summary>
    /// <exception cref="WaitException">The timeout passed or the state cannot be reached; the message explains why.</exception>
    public Task WaitAsync(IWaitStrategy wait, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(wait);
        return wait.WaitAsync(this, timeout ?? TimeSpan.FromMinutes(2), cancellationToken);
    }

    /// <summary>Streams the log lines of a pod of the group; see <see cref="IOrchestratorClient.ReadLogsAsync"/>.</summary>
    public IAsyncEnumerable<string> ReadLogsAsync(string podName, PodLogOptions? options = null, CancellationToken cancellationToken = default) =>
        Client.ReadLogsAsync(Namespace, podName, options, cancellationToken);

    /// <summary>Runs a command in the default container of a pod of the group; see <see cref="IOrchestratorClient.ExecAsync"/>.</summary>
    public Task<ExecResult> ExecAsync(string podName, params string[] command) => Client.ExecAsync(Namespace, podName, command);

    /// <summary>
    /// Describes the whole group for a failure report: every workload and pod of it with status, conditions, containers'
    /// states and exit codes, last log lines and recent Warning events.
    /// </summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder();
        text.AppendLine($"Pod group in namespace {Namespace} (test session {Cluster.SessionId}):");
        var described = new HashSet<string>(StringComparer.Ordinal);
        foreach (var obj in Objects.Where(o => o is not (ConfigMap or Secret or Service or ServiceAccount)))
        {
            text.AppendLine(await Client.DescribeAsync(obj, cancellationToken).ConfigureAwait(false));
            if (obj is Pod) described.Add(obj.Metadata.Name!);
        }
        var pods = await GetPodsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var others = pods.Where(p => !described.Contains(p.Metadata.Name!)).ToList();
        if (others.Count > 0)
        {
            text.AppendLine("Pods:");
            foreach (var pod in others)
            {
                var ready = pod.IsReady() ? "Ready" : "not Ready";
                text.AppendLine($"  {pod.Metadata.Name}: {pod.Status?.Phase ?? "Pending"}, {ready}, node {pod.Spec.NodeName ?? "-"}");
            }
        }
        return text.ToString().TrimEnd();
    }

    /// <summary>
    /// Deletes the group: its namespace (and so every object in it), its cluster-scoped objects, and its pods with the
    /// teardown grace period; then waits (at most 30 s) until the namespace is gone. Never throws.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        Cluster.Forget(this);
        using var limit = new CancellationTokenSource(TeardownTimeout);
        try
        {
            // Deleting the namespace first stops controllers from replacing the pods deleted next.
            await Client.DeleteAsync<Namespace>(null, Namespace, cancellationToken: limit.Token).ConfigureAwait(false);
            var grace = new DeleteOptions { GracePeriodSeconds = (long)_teardownGrace.TotalSeconds };
            foreach (var pod in await GetPodsAsync(cancellationToken: limit.Token).ConfigureAwait(false))
            {
                await Client.DeleteAsync<Pod>(Namespace, pod.Metadata.Name!, grace, limit.Token).ConfigureAwait(false);
            }
            foreach (var obj in Objects.Where(o => !ApiResources.For(o.GetType()).Namespaced))
            {
                await Client.Store.DeleteAsync(ApiResources.For(obj.GetType()), null, obj.Metadata.Name!, null, limit.Token).ConfigureAwait(false);
            }
            await Client.WaitForDeletionAsync<Namespace>(null, Namespace, TeardownTimeout, limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or WaitException or ApiException or InvalidOperationException)
        {
            // Best effort: what remains is removed with the cluster (or, for Docker, by the next session's reaper).
            Cluster.TeardownFailed(this, e);
        }
    }

    private async Task<Pod> ReadyPodAsync(Selector selector, string what, CancellationToken cancellationToken)
    {
        var pods = await GetPodsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return pods.Where(p => selector.Matches(p.Metadata.Labels) && p.IsReady() && !string.IsNullOrEmpty(p.Status?.PodIP))
                .OrderBy(p => p.Metadata.Name, StringComparer.Ordinal)
                .FirstOrDefault()
            ?? throw new InvalidOperationException($"No Ready pod with an IP backs {what} in namespace {Namespace}.");
    }

    private static IPEndPoint EndpointOf(Pod pod, int port) =>
        IPAddress.TryParse(pod.Status?.PodIP, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new InvalidOperationException($"Pod {pod.Metadata.Name} has no IP address yet.");
}
