using System.Globalization;
using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

// Pod sandboxes: the container that holds a pod's namespaces, and the host directories of its volumes.
public sealed partial class DockerContainerRuntime
{
    /// <inheritdoc/>
    /// <remarks>
    /// Materialises the volumes in a new sandbox directory, then creates and starts the sandbox container on
    /// <see cref="PodSandboxConfig.Network"/> (the <c>host</c> network for <see cref="PodSandboxConfig.HostNetwork"/>)
    /// with the pod's hostname, DNS settings, <c>/etc/hosts</c> entries and host ports, and a shareable IPC namespace.
    /// The sandbox image is pulled first if the engine does not have it. On failure nothing is left behind.
    /// </remarks>
    public async ValueTask<string> CreateSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        await EnsureSandboxImageAsync(cancellationToken).ConfigureAwait(false);
        var layout = SandboxDirectories.Create(_settings, config);
        string? id = null;
        try
        {
            var name = DockerNames.Sandbox(config.PodName, config.PodNamespace, config.PodUid, config.Attempt);
            var request = SandboxRequest(config, layout);
            id = await CreateNamedAsync(name, request, config.PodUid, "creating the pod sandbox", cancellationToken)
                .ConfigureAwait(false);
            await StartSandboxAsync(id, cancellationToken).ConfigureAwait(false);
            _sandboxLabels[id] = request.Labels!;
            DockerRuntimeLog.SandboxCreated(_logger, id, name, EngineAddress);
            return id;
        }
        catch
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            if (id is not null) await ForceRemoveQuietlyAsync(id, cleanup.Token).ConfigureAwait(false);
            SandboxDirectories.Delete(layout.Directory, layout.MemoryDirectory);
            throw;
        }
    }

    /// <inheritdoc/>
    /// <remarks>Kills the pod's running containers and the sandbox container (the network namespace goes with it).</remarks>
    public async ValueTask StopSandboxAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sandboxId);
        _sandboxLabels.TryRemove(sandboxId, out _); // containers created from now on check it runs
        var running = await ListOwnedAsync(DockerLabels.ContainerRole,
            new Dictionary<string, string> { [DockerLabels.SandboxId] = sandboxId }, runningOnly: true, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(running, Parallelism(cancellationToken),
            async (container, ct) => await KillAsync(container.Id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        await KillAsync(sandboxId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    /// <remarks>Removes the pod's containers, the sandbox container and the sandbox directories (never host paths).</remarks>
    public async ValueTask RemoveSandboxAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(sandboxId);
        var sandbox = await InspectOrNullAsync(sandboxId, "removing the pod sandbox", cancellationToken).ConfigureAwait(false);
        if (sandbox is not null && !Owned(sandbox)) return; // not this cluster's: never touched
        var containers = await ListOwnedAsync(DockerLabels.ContainerRole,
            new Dictionary<string, string> { [DockerLabels.SandboxId] = sandboxId }, runningOnly: false, cancellationToken).ConfigureAwait(false);
        await Parallel.ForEachAsync(containers, Parallelism(cancellationToken), async (container, ct) =>
        {
            await ForceRemoveAsync(container.Id, ct).ConfigureAwait(false);
            TerminationMessageFile.Delete(container.Labels?.GetValueOrDefault(DockerLabels.TerminationMessageFile));
        }).ConfigureAwait(false);
        if (sandbox is null) return;
        await ForceRemoveAsync(sandboxId, cancellationToken).ConfigureAwait(false);
        var labels = sandbox.Config.Labels;
        SandboxDirectories.Delete(labels?.GetValueOrDefault(DockerLabels.SandboxDirectory), labels?.GetValueOrDefault(DockerLabels.SandboxMemoryDirectory));
    }

    /// <inheritdoc/>
    /// <remarks>Only sandboxes of this runtime's cluster id; a sandbox is ready while its container runs.</remarks>
    public async ValueTask<IReadOnlyList<RuntimeSandbox>> ListSandboxesAsync(
        IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default)
    {
        var sandboxes = await ListOwnedAsync(DockerLabels.SandboxRole, labelFilter, runningOnly: false, cancellationToken).ConfigureAwait(false);
        return [.. sandboxes.Select(DockerStatusMapper.Sandbox)];
    }

    /// <summary>Starts a sandbox; when its network was removed behind the runtime's back, recreates the network once.</summary>
    private async Task StartSandboxAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.StartContainerAsync(id, cancellationToken).ConfigureAwait(false);
            return;
        }
        catch (DockerNotFoundException e) when (_ensureNetwork is not null && e.EngineMessage.Contains("network", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                await _ensureNetwork(cancellationToken).ConfigureAwait(false);
            }
            catch (Orchestrator.Networking.NetworkException network)
            {
                throw new ContainerRuntimeException($"starting the pod sandbox: {network.Message}", network);
            }
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("starting the pod sandbox", e);
        }
        await EngineAsync(ct => _client.StartContainerAsync(id, ct), "starting the pod sandbox", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a container carries this runtime's cluster id.</summary>
    private bool Owned(ContainerInspectResponse container) =>
        container.Config.Labels?.GetValueOrDefault(DockerLabels.ClusterId) == _settings.ClusterId;

    private ContainerCreateRequest SandboxRequest(PodSandboxConfig config, SandboxLayout layout)
    {
        var labels = new Dictionary<string, string>(config.Labels, StringComparer.Ordinal)
        {
            [DockerLabels.ClusterId] = _settings.ClusterId,
            [DockerLabels.Role] = DockerLabels.SandboxRole,
            [DockerLabels.SandboxDirectory] = layout.Directory,
            [DockerLabels.Volumes] = SandboxDirectories.ToLabel(layout.Volumes),
            [ContainerLabels.SandboxAttempt] = config.Attempt.ToString(CultureInfo.InvariantCulture),
        };
        if (layout.MemoryDirectory is { } memory) labels[DockerLabels.SandboxMemoryDirectory] = memory;

        var network = config.HostNetwork ? "host" : config.Network ?? _settings.DefaultNetwork;
        var userNetwork = network is not ("host" or "bridge" or "none" or "default") && !network.StartsWith("container:", StringComparison.Ordinal);
        var ports = config.HostNetwork ? [] : config.PortMappings;
        return new ContainerCreateRequest
        {
            Image = _settings.SandboxImage,
            Entrypoint = _settings.SandboxCommand.Count > 0 ? _settings.SandboxCommand : null,
            Hostname = config.HostNetwork || string.IsNullOrEmpty(config.Hostname) ? null : config.Hostname,
            Labels = labels,
            ExposedPorts = ports.Count == 0 ? null : ContainerCreateRequest.Ports(ports.Select(p => (p.ContainerPort, p.Protocol))),
            HostConfig = new DockerHostConfig
            {
                NetworkMode = network,
                IpcMode = "shareable",
                PortBindings = ports.Count == 0 ? null : ports
                    .GroupBy(p => $"{p.ContainerPort}/{p.Protocol.ToLowerInvariant()}")
                    .ToDictionary(g => g.Key, g => (IReadOnlyList<DockerPortBinding>)[.. g.Select(p =>
                        new DockerPortBinding(p.HostIP, p.HostPort.ToString(CultureInfo.InvariantCulture)))]),
                Dns = config.Dns is { Servers.Count: > 0 } dns ? dns.Servers : null,
                DnsSearch = config.Dns is { Searches.Count: > 0 } search ? search.Searches : null,
                DnsOptions = config.Dns is { Options.Count: > 0 } options ? options.Options : null,
                ExtraHosts = config.HostEntries.Count == 0 ? null : [.. config.HostEntries.SelectMany(h => h.Hostnames.Select(n => $"{n}:{h.Ip}"))],
                LogConfig = DockerLogConfig.None, // the sandbox prints nothing worth keeping: spare the engine a log file per pod
            },
            NetworkingConfig = userNetwork && !config.HostNetwork
                ? new DockerNetworkingConfig
                {
                    // Other pods on the network find this one by its name (the engine's embedded DNS).
                    EndpointsConfig = new Dictionary<string, DockerEndpointSettings>
                    {
                        [network] = new() { Aliases = [.. new[] { config.PodName, config.Hostname }.Where(a => a.Length > 0).Distinct()] },
                    },
                }
                : null,
        };
    }

    private async Task EnsureSandboxImageAsync(CancellationToken cancellationToken)
    {
        if (_sandboxImagePresent) return;
        if (await GetImageAsync(_settings.SandboxImage, cancellationToken).ConfigureAwait(false) is null)
        {
            await PullImageAsync(new ImagePullRequest { Image = _settings.SandboxImage }, cancellationToken).ConfigureAwait(false);
        }
        _sandboxImagePresent = true;
    }

    /// <summary>
    /// Creates a container with a deterministic name. When the name is taken by a leftover of the same pod of this
    /// cluster (an earlier create whose answer was lost), the leftover is removed and the create retried; a name taken
    /// by anything else gets a random suffix.
    /// </summary>
    private async Task<string> CreateNamedAsync(string name, ContainerCreateRequest request, string podUid, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CreateContainerAsync(name, request, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerConflictException)
        {
            var existing = await InspectOrNullAsync(name, what, cancellationToken).ConfigureAwait(false);
            var labels = existing?.Config.Labels;
            if (existing is not null && labels?.GetValueOrDefault(DockerLabels.ClusterId) == _settings.ClusterId &&
                labels.GetValueOrDefault(ContainerLabels.PodUid) == podUid)
            {
                await ForceRemoveAsync(existing.Id, cancellationToken).ConfigureAwait(false);
                DockerRuntimeLog.ContainerNameReclaimed(_logger, name, existing.Id, EngineAddress);
            }
            else
            {
                name = $"{name}_{Guid.NewGuid().ToString("N")[..6]}";
            }
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure(what, e);
        }
        return await EngineAsync(ct => _client.CreateContainerAsync(name, request, ct), what, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends SIGKILL and waits until the container stopped; a container that is missing or not running is fine.</summary>
    private async Task KillAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.KillContainerAsync(id, "SIGKILL", cancellationToken).ConfigureAwait(false);
            await _client.WaitContainerAsync(id, ContainerWaitCondition.NotRunning, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerNotFoundException or DockerConflictException)
        {
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("stopping a container", e);
        }
    }

    /// <summary>Removes a container, killing it if it runs; a missing container or a removal in progress is fine.</summary>
    private async Task ForceRemoveAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.RemoveContainerAsync(id, force: true, removeVolumes: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is DockerNotFoundException or DockerConflictException)
        {
        }
        catch (Exception e) when (IsEngineFailure(e, cancellationToken))
        {
            throw Failure("removing a container", e);
        }
        _createdNotStarted.TryRemove(id, out _);
        _cpuSamples.TryRemove(id, out _);
        _sandboxLabels.TryRemove(id, out _);
    }

    private async Task ForceRemoveQuietlyAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await ForceRemoveAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ContainerRuntimeException or OperationCanceledException)
        {
            DockerRuntimeLog.ReapFailed(_logger, id, EngineAddress, e.Message);
        }
    }

    private ParallelOptions Parallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = _settings.Parallelism, CancellationToken = cancellationToken };
}
