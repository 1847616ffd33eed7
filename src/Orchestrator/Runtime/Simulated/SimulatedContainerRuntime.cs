using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;
using System.Threading.Channels;

namespace Orchestrator.Runtime.Simulated;

/// <summary>
/// A container runtime whose containers "run" in memory, without processes (like kwok): the public way to run
/// controllers, the scheduler and node agents against hundreds of nodes in one process, in tests and benchmarks.
/// </summary>
/// <remarks>
/// <para>
/// Behaviour comes from the pod itself — the <see cref="SimulatedAnnotations"/> on the pod (start delay, exit after N
/// seconds with code X, failing probes, crash loops, OOM kills, CPU and memory usage) — optionally rewritten by
/// <see cref="SimulatedRuntimeOptions.Behavior"/>, and can be changed for a live container with
/// <see cref="UpdateBehavior"/>. Images whose reference contains <see cref="SimulatedRuntimeOptions.InvalidImageMarker"/>
/// fail to pull.
/// </para>
/// <para>
/// Cost: one instance per node holds a few dictionaries; a container is a small object. Nothing runs in the
/// background: a timer from the <see cref="TimeProvider"/> exists only for a container that will exit by itself, and
/// delays (start, pull, stop) are awaited on that provider, so a fake clock drives the whole simulation.
/// </para>
/// <para>
/// It implements every optional capability: <see cref="IContainerLogs"/>, <see cref="IContainerExec"/> (a few
/// commands: <c>true</c>, <c>false</c>, <c>echo</c>, <c>env</c>, <c>printenv</c>, <c>cat</c> of volume files,
/// <c>hostname</c>, <c>sleep</c>; anything else succeeds silently), <see cref="IContainerStats"/>,
/// <see cref="IContainerEvents"/> and <see cref="IContainerProbes"/> (probe outcomes follow the behaviour).
/// </para>
/// </remarks>
public sealed partial class SimulatedContainerRuntime : IContainerRuntime
{
    private static long s_nextId;

    private readonly object _gate = new();
    private readonly Dictionary<string, SimulatedSandbox> _sandboxes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SimulatedContainer> _containers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ImageInfo> _images = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly RuntimeInfo _info;
    private ImmutableArray<Channel<ContainerEvent>> _subscribers = [];
    private long _probeAttempts;

    /// <summary>Creates a runtime with no sandboxes and the <see cref="SimulatedRuntimeOptions.PreloadedImages"/>.</summary>
    public SimulatedContainerRuntime(SimulatedRuntimeOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new SimulatedRuntimeOptions();
        _time = timeProvider ?? TimeProvider.System;
        _info = new RuntimeInfo
        {
            Name = Options.Name,
            Version = Options.Version,
            KernelVersion = "simulated",
            OsImage = "Orchestrator simulated node",
            Capacity = Options.Capacity,
        };
        foreach (var image in Options.PreloadedImages) AddImage(image);
    }

    /// <summary>The options the runtime was created with.</summary>
    public SimulatedRuntimeOptions Options { get; }

    /// <summary>How many containers exist (in any state).</summary>
    public int ContainerCount
    {
        get
        {
            lock (_gate) return _containers.Count;
        }
    }

    /// <summary>How many sandboxes exist (in any state).</summary>
    public int SandboxCount
    {
        get
        {
            lock (_gate) return _sandboxes.Count;
        }
    }

    /// <inheritdoc/>
    public ValueTask<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(_info);

    /// <inheritdoc/>
    public ValueTask<string> CreateSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        var behavior = Resolve(config, null, "");
        if (behavior.SandboxError is { } error) throw new ContainerRuntimeException(error);
        var sandbox = new SimulatedSandbox(NewId(), config, _time.GetUtcNow());
        lock (_gate) _sandboxes.Add(sandbox.Id, sandbox);
        return ValueTask.FromResult(sandbox.Id);
    }

    /// <inheritdoc/>
    public ValueTask StopSandboxAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_sandboxes.TryGetValue(sandboxId, out var sandbox))
            {
                foreach (var container in sandbox.Containers)
                {
                    if (container.State == RuntimeContainerState.Running) ExitLocked(container, 137, null, null);
                }
                sandbox.State = RuntimeSandboxState.NotReady;
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask RemoveSandboxAsync(string sandboxId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_sandboxes.Remove(sandboxId, out var sandbox))
            {
                foreach (var container in sandbox.Containers.ToArray()) RemoveLocked(container);
            }
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RuntimeSandbox>> ListSandboxesAsync(IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var result = new List<RuntimeSandbox>();
            foreach (var sandbox in _sandboxes.Values)
            {
                if (SimulatedSandbox.LabelsMatch(sandbox.Config.Labels, labelFilter)) result.Add(sandbox.Snapshot());
            }
            return ValueTask.FromResult<IReadOnlyList<RuntimeSandbox>>(result);
        }
    }

    /// <inheritdoc/>
    public ValueTask<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(config);
        SimulatedSandbox? sandbox;
        lock (_gate)
        {
            if (!_sandboxes.TryGetValue(sandboxId, out sandbox) || sandbox.State != RuntimeSandboxState.Ready)
            {
                throw new ContainerRuntimeException($"sandbox {sandboxId} is not ready");
            }
            if (!_images.ContainsKey(ImageReference.Normalize(config.Image)))
            {
                throw new ContainerRuntimeException($"image \"{config.Image}\" is not present");
            }
        }
        foreach (var mount in config.Mounts)
        {
            if (!sandbox.Volumes.ContainsKey(mount.VolumeName))
            {
                throw new ContainerRuntimeException($"volume \"{mount.VolumeName}\" is not part of the sandbox");
            }
        }
        var behavior = Resolve(sandbox.Config, config, config.Image);
        if (behavior.CreateError is { } error) throw new ContainerRuntimeException(error);

        var container = new SimulatedContainer(NewId(), sandbox, config, behavior, _time.GetUtcNow());
        lock (_gate)
        {
            if (!_sandboxes.ContainsKey(sandboxId)) throw new ContainerRuntimeException($"sandbox {sandboxId} was removed");
            _containers.Add(container.Id, container);
            sandbox.Containers.Add(container);
            Publish(ContainerEventType.Created, container);
        }
        return ValueTask.FromResult(container.Id);
    }

    /// <inheritdoc/>
    public async ValueTask StartContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        SimulatedBehavior behavior;
        lock (_gate)
        {
            var container = GetLocked(containerId);
            if (container.State != RuntimeContainerState.Created || container.Starting) return;
            behavior = container.Behavior;
            if (behavior.StartError is { } error)
            {
                container.StartedAt = _time.GetUtcNow();
                ExitLocked(container, 128, ContainerExitReasons.StartError, error);
                throw new ContainerRuntimeException(error);
            }
            container.Starting = true;
        }
        if (behavior.StartDelay > TimeSpan.Zero)
        {
            try
            {
                await Task.Delay(behavior.StartDelay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                lock (_gate)
                {
                    if (_containers.TryGetValue(containerId, out var abandoned)) abandoned.Starting = false;
                }
                throw;
            }
        }
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container) || container.State != RuntimeContainerState.Created) return;
            container.Starting = false;
            container.State = RuntimeContainerState.Running;
            container.StartedAt = _time.GetUtcNow();
            container.Invalidate();
            foreach (var line in container.Behavior.Logs) AppendLogLocked(container, LogStream.Stdout, line);
            Publish(ContainerEventType.Started, container);
            ArmExitTimerLocked(container);
        }
    }

    /// <inheritdoc/>
    public async ValueTask StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default)
    {
        TimeSpan stopDelay;
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container) || container.State != RuntimeContainerState.Running) return;
            stopDelay = container.Behavior.StopDelay;
            if (gracePeriod <= TimeSpan.Zero || stopDelay <= TimeSpan.Zero)
            {
                ExitLocked(container, gracePeriod <= TimeSpan.Zero ? 137 : 0, null, null);
                return;
            }
        }
        var killed = stopDelay > gracePeriod;
        await Task.Delay(killed ? gracePeriod : stopDelay, _time, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            if (_containers.TryGetValue(containerId, out var container) && container.State == RuntimeContainerState.Running)
            {
                ExitLocked(container, killed ? 137 : 0, null, null);
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_containers.TryGetValue(containerId, out var container)) RemoveLocked(container);
        }
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc/>
    public ValueTask<RuntimeContainerStatus?> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return ValueTask.FromResult(_containers.TryGetValue(containerId, out var container) ? container.Snapshot() : null);
        }
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<RuntimeContainerStatus>> ListContainersAsync(IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var result = new List<RuntimeContainerStatus>();
            foreach (var container in _containers.Values)
            {
                if (container.Matches(labelFilter)) result.Add(container.Snapshot());
            }
            return ValueTask.FromResult<IReadOnlyList<RuntimeContainerStatus>>(result);
        }
    }

    /// <inheritdoc/>
    public ValueTask<ImageInfo?> GetImageAsync(string image, CancellationToken cancellationToken = default)
    {
        lock (_gate) return ValueTask.FromResult(_images.GetValueOrDefault(ImageReference.Normalize(image)));
    }

    /// <inheritdoc/>
    public async ValueTask<ImageInfo> PullImageAsync(ImagePullRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var behavior = request.Sandbox is { } sandbox ? Resolve(sandbox, null, request.Image) : SimulatedBehavior.Default;
        if (behavior.PullDelay > TimeSpan.Zero)
        {
            await Task.Delay(behavior.PullDelay, _time, cancellationToken).ConfigureAwait(false);
        }
        if (Options.InvalidImageMarker is { Length: > 0 } marker && request.Image.Contains(marker, StringComparison.OrdinalIgnoreCase))
        {
            throw new ImagePullException(request.Image,
                $"failed to pull image \"{request.Image}\": pull access denied, repository does not exist or may require authorization");
        }
        if (behavior.PullError is { } error)
        {
            throw new ImagePullException(request.Image, $"failed to pull image \"{request.Image}\": {error}");
        }
        return AddImage(request.Image);
    }

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate) return ValueTask.FromResult<IReadOnlyList<ImageInfo>>(_images.Values.ToArray());
    }

    /// <summary>Makes an image present, as if pulled; returns it.</summary>
    public ImageInfo AddImage(string image)
    {
        var name = ImageReference.Normalize(image);
        lock (_gate)
        {
            if (!_images.TryGetValue(name, out var info))
            {
                info = new ImageInfo(ImageIdOf(image), [name], 10L << 20);
                _images.Add(name, info);
            }
            return info;
        }
    }

    /// <summary>Removes an image, as if garbage-collected; returns false when it was not present.</summary>
    public bool RemoveImage(string image)
    {
        lock (_gate) return _images.Remove(ImageReference.Normalize(image));
    }

    /// <summary>
    /// Replaces the behaviour of a live container, for tests that change their mind (a probe starts failing, CPU usage
    /// rises). Probes and stats see the change at once; a pending self-exit is re-armed from the original start time.
    /// </summary>
    /// <returns>False when the container does not exist.</returns>
    public bool UpdateBehavior(string containerId, Func<SimulatedBehavior, SimulatedBehavior> update)
    {
        ArgumentNullException.ThrowIfNull(update);
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container)) return false;
            container.Behavior = update(container.Behavior);
            if (container.State == RuntimeContainerState.Running) ArmExitTimerLocked(container);
            return true;
        }
    }

    /// <summary>
    /// Ends a running container's process now, as if it crashed (<paramref name="exitCode"/>) or was OOM-killed
    /// (<paramref name="reason"/> <see cref="ContainerExitReasons.OOMKilled"/>).
    /// </summary>
    /// <returns>False when the container does not exist or is not running.</returns>
    public bool SimulateExit(string containerId, int exitCode, string? reason = null, string? message = null)
    {
        lock (_gate)
        {
            if (!_containers.TryGetValue(containerId, out var container) || container.State != RuntimeContainerState.Running) return false;
            ExitLocked(container, exitCode, reason, message);
            return true;
        }
    }

    /// <summary>The configuration a container was created with (for assertions on resolved env and mounts), or null.</summary>
    public ContainerConfig? GetContainerConfig(string containerId)
    {
        lock (_gate) return _containers.GetValueOrDefault(containerId)?.Config;
    }

    /// <summary>The configuration a sandbox was created with (for assertions on volumes and DNS), or null.</summary>
    public PodSandboxConfig? GetSandboxConfig(string sandboxId)
    {
        lock (_gate) return _sandboxes.GetValueOrDefault(sandboxId)?.Config;
    }

    /// <summary>The newest instance of container <paramref name="containerName"/> of the pod, or null.</summary>
    public RuntimeContainerStatus? FindContainer(string podNamespace, string podName, string containerName)
    {
        lock (_gate)
        {
            SimulatedContainer? newest = null;
            foreach (var container in _containers.Values)
            {
                var sandbox = container.Sandbox.Config;
                if (container.Config.Name == containerName && sandbox.PodName == podName && sandbox.PodNamespace == podNamespace &&
                    (newest is null || string.CompareOrdinal(container.Id, newest.Id) > 0))
                {
                    newest = container;
                }
            }
            return newest?.Snapshot();
        }
    }

    internal static string ImageIdOf(string image) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ImageReference.Normalize(image))));

    private static string NewId() => Interlocked.Increment(ref s_nextId).ToString("x16");

    private SimulatedBehavior Resolve(PodSandboxConfig sandbox, ContainerConfig? container, string image)
    {
        SimulatedBehavior fromAnnotations;
        try
        {
            fromAnnotations = SimulatedBehavior.FromAnnotations(sandbox.Annotations, container?.Name);
        }
        catch (FormatException e)
        {
            // A bad annotation is reported where users see it: creating the container (CreateContainerError).
            if (container is not null) throw new ContainerRuntimeException(e.Message, e);
            fromAnnotations = SimulatedBehavior.Default;
        }
        return Options.Behavior is { } resolve ? resolve(new SimulatedContainerContext(sandbox, container, image, fromAnnotations)) : fromAnnotations;
    }

    private SimulatedContainer GetLocked(string containerId) =>
        _containers.TryGetValue(containerId, out var container)
            ? container
            : throw new ContainerRuntimeException($"container {containerId} does not exist");

    private void ArmExitTimerLocked(SimulatedContainer container)
    {
        container.ExitTimer?.Dispose();
        container.ExitTimer = null;
        var behavior = container.Behavior;
        var limit = container.Config.Resources.MemoryLimitBytes;
        TimeSpan? oom = limit is { } bytes && behavior.MemoryBytes > bytes ? TimeSpan.Zero : behavior.OomAfter;
        var (after, code, reason) = (behavior.ExitAfter, oom) switch
        {
            ({ } exit, { } kill) when kill <= exit => (kill, 137, ContainerExitReasons.OOMKilled),
            ({ } exit, _) => (exit, behavior.ExitCode, null),
            (null, { } kill) => (kill, 137, ContainerExitReasons.OOMKilled),
            _ => (TimeSpan.Zero, 0, (string?)null),
        };
        if (behavior.ExitAfter is null && oom is null) return;

        var due = container.StartedAt!.Value + after - _time.GetUtcNow();
        if (due <= TimeSpan.Zero)
        {
            ExitLocked(container, code, reason, null);
            return;
        }
        container.ExitTimer = _time.CreateTimer(_ =>
        {
            lock (_gate)
            {
                if (container.State == RuntimeContainerState.Running && _containers.ContainsKey(container.Id))
                {
                    ExitLocked(container, code, reason, null);
                }
            }
        }, null, due, Timeout.InfiniteTimeSpan);
    }

    private void ExitLocked(SimulatedContainer container, int exitCode, string? reason, string? message)
    {
        container.ExitTimer?.Dispose();
        container.ExitTimer = null;
        container.State = RuntimeContainerState.Exited;
        container.Starting = false;
        container.ExitCode = exitCode;
        container.Reason = reason;
        container.Message = message;
        container.FinishedAt = _time.GetUtcNow();
        container.Invalidate();
        SignalLocked(container);
        container.ExitSignal?.TrySetResult();
        Publish(ContainerEventType.Exited, container);
    }

    private void RemoveLocked(SimulatedContainer container)
    {
        if (container.State == RuntimeContainerState.Running) ExitLocked(container, 137, null, null);
        container.ExitTimer?.Dispose();
        container.ExitTimer = null;
        _containers.Remove(container.Id);
        container.Sandbox.Containers.Remove(container);
        SignalLocked(container);
        Publish(ContainerEventType.Removed, container);
    }

    private void Publish(ContainerEventType type, SimulatedContainer container)
    {
        var subscribers = _subscribers;
        if (subscribers.IsEmpty) return;
        var e = new ContainerEvent(type, container.Id, container.Sandbox.Id, _time.GetUtcNow(), container.Config.Labels);
        foreach (var channel in subscribers) channel.Writer.TryWrite(e);
    }
}
