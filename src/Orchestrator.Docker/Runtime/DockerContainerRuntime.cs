using System.Collections.Concurrent;
using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

/// <summary>
/// Runs pods as containers of one Docker engine, the way dockershim did. Each pod gets a sandbox container (a tiny
/// long-running process from <see cref="Hosting.DockerRuntimeOptions.SandboxImage"/>) that holds the pod's network and
/// IPC namespaces, hostname, DNS settings and host ports, on the node's pod network; every container of the pod joins
/// it (<c>container:&lt;sandbox&gt;</c>), so the containers share <c>localhost</c> and the pod IP. Volumes are host
/// directories bind-mounted into the containers (see <see cref="Hosting.DockerRuntimeOptions.DataDirectory"/>).
/// Created by <see cref="Hosting.DockerNodes"/>; one instance per engine.
/// </summary>
/// <remarks>
/// <para>
/// <b>Ownership.</b> Everything it creates carries the node agent's <see cref="ContainerLabels"/> plus
/// <see cref="DockerLabels"/> (the cluster id, the role, the sandbox of a container), and everything it lists is
/// filtered on the cluster id: clusters with different ids can share an engine. Names are readable and deterministic:
/// <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid8&gt;_&lt;restart&gt;</c>.
/// </para>
/// <para>
/// <b>Statuses.</b> An OOM kill is reported with reason <c>OOMKilled</c>; a process the engine could not start is
/// exited with reason <c>StartError</c> and the engine's message; an exited container's message is the content of its
/// <c>terminationMessagePath</c> (a host file bind-mounted there, at most 4096 bytes), else the engine's error.
/// </para>
/// <para>
/// <b>Capabilities.</b> Logs, exec, stats and events (the engine's event stream, reconnected with <c>since</c> when it
/// breaks). Probes are not answered by the runtime: the node agent connects to the pod IP, which is routable from the
/// engine's machine on a bridge network.
/// </para>
/// <para>
/// Errors of the engine become <see cref="ContainerRuntimeException"/> (<see cref="ImagePullException"/> for pulls)
/// with the engine's own message; they never contain environment values or volume contents.
/// </para>
/// </remarks>
public sealed partial class DockerContainerRuntime : IContainerRuntime, IAsyncDisposable
{
    private readonly DockerEngineClient _client;
    private readonly DockerRuntimeSettings _settings;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly DockerEventStream _events;
    private readonly ConcurrentDictionary<string, byte> _createdNotStarted = new(StringComparer.Ordinal);
    // The labels of the sandboxes this instance created (they never change), so a container create needs no inspect.
    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _sandboxLabels = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<ImageInfo>>> _pulls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CpuSample> _cpuSamples = new(StringComparer.Ordinal);
    private readonly Func<CancellationToken, Task>? _ensureNetwork;
    private RuntimeInfo? _info;
    private volatile bool _sandboxImagePresent;

    internal DockerContainerRuntime(
        DockerEngineClient client, DockerRuntimeSettings settings, TimeProvider? timeProvider = null, ILogger? logger = null,
        Func<CancellationToken, Task>? ensureNetwork = null)
    {
        _client = client;
        _ensureNetwork = ensureNetwork;
        _settings = settings;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        _events = new DockerEventStream(client, settings.ClusterId, _time, _logger);
    }

    /// <summary>The cluster id everything this runtime creates is labelled with (<see cref="DockerLabels.ClusterId"/>).</summary>
    public string ClusterId => _settings.ClusterId;

    /// <summary>The node this runtime serves.</summary>
    public string NodeName => _settings.NodeName;

    /// <summary>The engine's address, for example <c>unix:///var/run/docker.sock</c>.</summary>
    public string EngineAddress => _client.Endpoint.Address;

    internal DockerEngineClient Client => _client;

    internal DockerRuntimeSettings Settings => _settings;

    internal DockerEventStream Events => _events;

    /// <inheritdoc/>
    /// <remarks>Read from the engine's <c>/info</c> once, then cached: CPUs, memory, OS, architecture and version.</remarks>
    public async ValueTask<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken = default)
    {
        if (_info is { } cached) return cached;
        var info = await EngineAsync(ct => _client.GetInfoAsync(ct), "reading the engine's info", cancellationToken).ConfigureAwait(false);
        return _info = Describe(info, _client.EngineVersion.Version, _settings.MaxPods);
    }

    /// <summary>Stops the event stream. The engine client belongs to <see cref="Hosting.DockerNodes"/>; containers keep running.</summary>
    public ValueTask DisposeAsync() => _events.DisposeAsync();

    internal static RuntimeInfo Describe(DockerInfoResponse info, string? engineVersion, int maxPods) => new()
    {
        Name = "docker",
        Version = info.ServerVersion ?? engineVersion ?? "unknown",
        OperatingSystem = string.IsNullOrEmpty(info.OSType) ? "linux" : info.OSType,
        Architecture = Architecture(info.Architecture),
        KernelVersion = info.KernelVersion ?? "",
        OsImage = info.OperatingSystem ?? "",
        Capacity = ImmutableDictionary.CreateRange(
        [
            KeyValuePair.Create(ResourceName.Cpu, Quantity.FromUnits(Math.Max(1, info.NCPU))),
            KeyValuePair.Create(ResourceName.Memory, Quantity.FromBytes(info.MemTotal)),
            KeyValuePair.Create(ResourceName.Pods, Quantity.FromUnits(maxPods)),
        ]),
    };

    /// <summary>The engine's machine architecture (<c>uname -m</c>) as Go and Kubernetes name it.</summary>
    internal static string Architecture(string? machine) => machine switch
    {
        null or "" => "amd64",
        "x86_64" or "amd64" => "amd64",
        "aarch64" or "arm64" => "arm64",
        "armv7l" or "armv6l" or "arm" => "arm",
        "i386" or "i686" or "386" => "386",
        _ => machine,
    };

    private async Task<T> EngineAsync<T>(Func<CancellationToken, Task<T>> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure(what, e);
        }
    }

    private async Task EngineAsync(Func<CancellationToken, Task> call, string what, CancellationToken cancellationToken)
    {
        try
        {
            await call(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure(what, e);
        }
    }

    private static bool IsEngineFailure(Exception e, CancellationToken cancellationToken) =>
        e is DockerApiException or HttpRequestException or IOException or InvalidDataException or System.Text.Json.JsonException ||
        (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>A failure in the contract's terms: what was being done and the engine's own message.</summary>
    private ContainerRuntimeException Failure(string what, Exception e)
    {
        var detail = e switch
        {
            DockerApiException api => api.EngineMessage,
            OperationCanceledException => $"the Docker engine at {EngineAddress} did not answer in time",
            _ => $"the Docker engine at {EngineAddress} did not answer ({Innermost(e).Message})",
        };
        return new ContainerRuntimeException($"{what}: {detail}", e);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner) e = inner;
        return e;
    }

    /// <summary>Inspects a container; null when it does not exist.</summary>
    private async Task<ContainerInspectResponse?> InspectOrNullAsync(string id, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure(what, e);
        }
    }

    /// <summary>The containers of this cluster matching <paramref name="role"/> and <paramref name="labelFilter"/>.</summary>
    private Task<IReadOnlyList<ContainerSummary>> ListOwnedAsync(
        string? role, IReadOnlyDictionary<string, string>? labelFilter, bool runningOnly, CancellationToken cancellationToken)
    {
        var filters = DockerFilters.Label(DockerLabels.ClusterId, _settings.ClusterId);
        if (role is not null) filters = filters.WithLabel(DockerLabels.Role, role);
        if (runningOnly) filters = filters.Add("status", "running");
        if (labelFilter is not null)
        {
            foreach (var (key, value) in labelFilter) filters = filters.WithLabel(key, value);
        }
        return EngineAsync(ct => _client.ListContainersAsync(all: !runningOnly, filters, ct), "listing containers", cancellationToken);
    }

    /// <summary>Two readings of a container's cumulative CPU time give its rate.</summary>
    private readonly record struct CpuSample(DateTimeOffset Time, ulong UsageNanoseconds);
}
