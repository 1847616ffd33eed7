using System.Collections.Concurrent;
using System.Globalization;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

// Application and init containers: they join their sandbox's namespaces.
public sealed partial class DockerContainerRuntime
{
    /// <inheritdoc/>
    /// <remarks>
    /// The container joins the sandbox's network and IPC namespaces; <see cref="ContainerConfig.Command"/> becomes the
    /// entrypoint and <see cref="ContainerConfig.Args"/> its arguments (so a command without arguments ignores the image's
    /// CMD, as in Kubernetes); limits become <c>NanoCpus</c>/<c>Memory</c> (without swap), requests
    /// <c>CpuShares</c>/<c>MemoryReservation</c>; mounts become binds of the sandbox's volume directories; the
    /// termination-message path gets a host file of its own.
    /// </remarks>
    public async ValueTask<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sandboxId);
        ArgumentNullException.ThrowIfNull(config);
        var sandboxLabels = await SandboxLabelsAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        var volumes = SandboxDirectories.FromLabel(sandboxLabels.GetValueOrDefault(DockerLabels.Volumes));
        var binds = new List<string>(config.Mounts.Count + 1);
        foreach (var mount in config.Mounts)
        {
            if (!volumes.TryGetValue(mount.VolumeName, out var volume))
            {
                throw new ContainerRuntimeException($"volume \"{mount.VolumeName}\" is not part of the sandbox");
            }
            binds.Add(SandboxDirectories.Bind(mount.VolumeName, volume, mount));
        }

        string Label(string key, string fallback) => config.Labels.GetValueOrDefault(key) ?? sandboxLabels.GetValueOrDefault(key) ?? fallback;
        var restartCount = int.TryParse(config.Labels.GetValueOrDefault(ContainerLabels.RestartCount), NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            ? count
            : 0;
        var podUid = Label(ContainerLabels.PodUid, "");
        var name = DockerNames.Container(config.Name, Label(ContainerLabels.PodName, "pod"), Label(ContainerLabels.PodNamespace, "default"), podUid, restartCount);
        var labels = new Dictionary<string, string>(config.Labels, StringComparer.Ordinal)
        {
            [DockerLabels.ClusterId] = _settings.ClusterId,
            [DockerLabels.Role] = DockerLabels.ContainerRole,
            [DockerLabels.SandboxId] = sandboxId,
        };

        string? terminationFile = null;
        try
        {
            if (config.TerminationMessagePath is { Length: > 0 } messagePath && sandboxLabels.GetValueOrDefault(DockerLabels.SandboxDirectory) is { Length: > 0 } directory)
            {
                terminationFile = TerminationMessageFile.Create(directory, $"{name}_{Guid.NewGuid().ToString("N")[..6]}");
                binds.Add(SandboxDirectories.BindOf(terminationFile, messagePath, readOnly: false));
                labels[DockerLabels.TerminationMessageFile] = terminationFile;
            }
            var id = await CreateNamedAsync(name, ContainerRequest(sandboxId, config, labels, binds), podUid, "creating the container", cancellationToken)
                .ConfigureAwait(false);
            _createdNotStarted[id] = 0;
            DockerRuntimeLog.ContainerCreated(_logger, id, name, EngineAddress);
            return id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TerminationMessageFile.Delete(terminationFile);
            throw new ContainerRuntimeException($"creating the termination-message file: {e.Message}", e);
        }
        catch
        {
            TerminationMessageFile.Delete(terminationFile);
            throw;
        }
    }

    /// <summary>
    /// The labels of a sandbox of this cluster, from memory when this instance created it (one Engine round trip less
    /// per container), else from an inspect that also checks it runs.
    /// </summary>
    /// <exception cref="ContainerRuntimeException">The sandbox does not exist, is not this cluster's, or does not run.</exception>
    private async Task<IReadOnlyDictionary<string, string>> SandboxLabelsAsync(string sandboxId, CancellationToken cancellationToken)
    {
        // A sandbox that died since is not checked here: the engine refuses to start a container joining a stopped
        // sandbox, and the node agent learns of the death from the sandbox's exit event and replaces it.
        if (_sandboxLabels.TryGetValue(sandboxId, out var known)) return known;
        var sandbox = await InspectOrNullAsync(sandboxId, "creating a container", cancellationToken).ConfigureAwait(false);
        var labels = sandbox?.Config.Labels;
        if (sandbox is null || !Owned(sandbox) || labels?.GetValueOrDefault(DockerLabels.Role) != DockerLabels.SandboxRole)
        {
            throw new ContainerRuntimeException($"sandbox {sandboxId} does not exist");
        }
        if (!sandbox.State.Running) throw new ContainerRuntimeException($"sandbox {sandboxId} is not ready");
        if (sandbox.Id == sandboxId) _sandboxLabels.TryAdd(sandboxId, labels);
        return labels;
    }

    /// <inheritdoc/>
    public async ValueTask StartContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        if (!_createdNotStarted.TryRemove(containerId, out _))
        {
            // Not known to be fresh: only a created container is started (an exited one must not run again).
            var container = await InspectOrNullAsync(containerId, "starting the container", cancellationToken).ConfigureAwait(false)
                ?? throw new ContainerRuntimeException($"container {containerId} does not exist");
            if (DockerStatusMapper.StateOf(container.State) != RuntimeContainerState.Created) return;
        }
        try
        {
            await _client.StartContainerAsync(containerId, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException e)
        {
            throw new ContainerRuntimeException($"container {containerId} does not exist", e);
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("starting the container", e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// A positive grace period is the engine's stop (the image's stop signal, SIGKILL after the period, in whole seconds
    /// rounded up); zero sends SIGKILL at once. Returns once the container has stopped.
    /// </remarks>
    public async ValueTask StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        _createdNotStarted.TryRemove(containerId, out _);
        if (gracePeriod <= TimeSpan.Zero)
        {
            await KillAsync(containerId, cancellationToken).ConfigureAwait(false);
            return;
        }
        try
        {
            await _client.StopContainerAsync(containerId, gracePeriod, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerNotFoundException)
        {
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("stopping the container", e);
        }
    }

    /// <inheritdoc/>
    /// <remarks>A container of another cluster id is left alone, as if unknown.</remarks>
    public async ValueTask RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var container = await InspectOrNullAsync(containerId, "removing the container", cancellationToken).ConfigureAwait(false);
        if (container is null || !Owned(container)) return;
        await ForceRemoveAsync(containerId, cancellationToken).ConfigureAwait(false);
        TerminationMessageFile.Delete(container.Config.Labels?.GetValueOrDefault(DockerLabels.TerminationMessageFile));
    }

    /// <inheritdoc/>
    public async ValueTask<RuntimeContainerStatus?> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(containerId);
        var container = await InspectOrNullAsync(containerId, "reading the container's status", cancellationToken).ConfigureAwait(false);
        return container is null ? null : DockerStatusMapper.Container(container);
    }

    /// <inheritdoc/>
    /// <remarks>Only containers of this runtime's cluster id (not sandboxes); each is inspected, concurrently, for a full status.</remarks>
    public async ValueTask<IReadOnlyList<RuntimeContainerStatus>> ListContainersAsync(
        IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default)
    {
        var containers = await ListOwnedAsync(DockerLabels.ContainerRole, labelFilter, runningOnly: false, cancellationToken).ConfigureAwait(false);
        var statuses = new ConcurrentBag<(int Index, RuntimeContainerStatus Status)>();
        await Parallel.ForEachAsync(containers.Select((c, i) => (c.Id, i)), Parallelism(cancellationToken), async (item, ct) =>
        {
            if (await InspectOrNullAsync(item.Id, "listing containers", ct).ConfigureAwait(false) is { } container)
            {
                statuses.Add((item.i, DockerStatusMapper.Container(container)));
            }
        }).ConfigureAwait(false);
        return [.. statuses.OrderBy(s => s.Index).Select(s => s.Status)];
    }

    private ContainerCreateRequest ContainerRequest(string sandboxId, ContainerConfig config, Dictionary<string, string> labels, List<string> binds)
    {
        var resources = config.Resources;
        var security = config.Security;
        var memoryLimit = resources.MemoryLimitBytes ?? 0;
        var memoryRequest = resources.MemoryRequestBytes ?? 0;
        return new ContainerCreateRequest
        {
            Image = config.Image,
            Entrypoint = config.Command.Count > 0 ? config.Command : null,
            Cmd = config.Args.Count > 0 ? config.Args : null,
            Env = config.Env.Count > 0 ? Environment(config.Env) : null,
            WorkingDir = config.WorkingDir,
            User = security?.RunAsUser is { } user
                ? security.RunAsGroup is { } group ? $"{user}:{group}" : user.ToString(CultureInfo.InvariantCulture)
                : null,
            Labels = labels,
            Tty = config.Tty,
            OpenStdin = config.Stdin,
            HostConfig = new DockerHostConfig
            {
                NetworkMode = $"container:{sandboxId}",
                IpcMode = $"container:{sandboxId}",
                Binds = binds.Count > 0 ? binds : null,
                NanoCpus = resources.CpuLimitMillicores is { } cpu ? cpu * 1_000_000 : 0,
                CpuShares = resources.CpuRequestMillicores is { } request ? CpuShares(request) : 0,
                Memory = memoryLimit,
                MemorySwap = memoryLimit,
                MemoryReservation = memoryRequest > 0 && (memoryLimit == 0 || memoryRequest < memoryLimit) ? memoryRequest : 0,
                GroupAdd = security is { SupplementalGroups.Count: > 0 } ? [.. security.SupplementalGroups.Select(g => g.ToString(CultureInfo.InvariantCulture))] : null,
                Privileged = security?.Privileged == true,
                ReadonlyRootfs = security?.ReadOnlyRootFilesystem == true,
                CapAdd = security is { AddCapabilities.Count: > 0 } ? security.AddCapabilities : null,
                CapDrop = security is { DropCapabilities.Count: > 0 } ? security.DropCapabilities : null,
            },
        };
    }

    /// <summary>The kubelet's conversion of a CPU request to cgroup shares: 1024 per core, at least 2.</summary>
    internal static long CpuShares(long milliCpu) => Math.Max(2, milliCpu * 1024 / 1000);

    /// <summary><c>NAME=value</c> entries where a later entry with the same name replaces an earlier one.</summary>
    internal static IReadOnlyList<string> Environment(IReadOnlyList<ContainerEnvVar> env)
    {
        var last = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < env.Count; i++) last[env[i].Name] = i;
        var result = new List<string>(last.Count);
        for (var i = 0; i < env.Count; i++)
        {
            if (last[env[i].Name] == i) result.Add($"{env[i].Name}={env[i].Value}");
        }
        return result;
    }
}
