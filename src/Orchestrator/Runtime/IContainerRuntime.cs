namespace Orchestrator.Runtime;

/// <summary>
/// The contract between a node agent and the software that runs its containers (the role of the Kubernetes CRI).
/// A runtime runs pod sandboxes (the network, IPC and hostname namespace a pod's containers share) and containers
/// inside them; it knows nothing about Pod objects, restart policies or probes, which are the agent's business.
/// </summary>
/// <remarks>
/// <para>
/// <b>Identity.</b> Every sandbox and container carries the labels the agent gives it (see <see cref="ContainerLabels"/>:
/// node, pod uid, pod name, namespace, container name, restart count). A runtime stores labels unchanged and filters by
/// them in <see cref="ListSandboxesAsync"/> and <see cref="ListContainersAsync"/>, so that an agent that restarts adopts
/// what already runs instead of creating duplicates. Runtimes keep no other state the agent depends on.
/// </para>
/// <para>
/// <b>Errors.</b> Removing or stopping something that does not exist is not an error (those calls are idempotent).
/// Any other failure is reported as a <see cref="ContainerRuntimeException"/> (or <see cref="ImagePullException"/>);
/// its message must never contain environment values or volume contents, which may be secret.
/// </para>
/// <para>
/// <b>Threading.</b> All members are thread-safe and may be called concurrently for different pods. The agent serialises
/// calls for one pod. Cancellation abandons the caller's wait; an operation the runtime already began may still complete.
/// </para>
/// <para>
/// <b>Optional capabilities.</b> A runtime may also implement <see cref="IContainerLogs"/>, <see cref="IContainerExec"/>,
/// <see cref="IContainerStats"/>, <see cref="IContainerEvents"/> and <see cref="IContainerProbes"/>; callers test for them
/// with a type check and degrade gracefully when absent.
/// </para>
/// </remarks>
public interface IContainerRuntime
{
    /// <summary>
    /// Describes the runtime and the machine it runs containers on. Called when the node registers and on each
    /// node status update; should be cheap (cache what is expensive to compute).
    /// </summary>
    ValueTask<RuntimeInfo> GetInfoAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates and starts a pod sandbox: the shared network namespace (joined to <see cref="PodSandboxConfig.Network"/>),
    /// hostname, DNS configuration, port mappings, and the pod's <see cref="PodSandboxConfig.Volumes"/> materialised so
    /// that containers can mount them. Called once per pod before any of its containers is created, and again (with a
    /// higher <see cref="PodSandboxConfig.Attempt"/>) if the sandbox died. With Docker this is the "pause" container
    /// whose network namespace the application containers join.
    /// </summary>
    /// <returns>The sandbox id, unique on this runtime.</returns>
    /// <remarks>Not idempotent: each call creates a new sandbox. The agent lists sandboxes by pod uid first.</remarks>
    /// <exception cref="ContainerRuntimeException">The sandbox could not be created; nothing is left behind.</exception>
    ValueTask<string> CreateSandboxAsync(PodSandboxConfig config, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a sandbox: kills any container still running in it and tears its network namespace down. Its volumes and
    /// records remain until <see cref="RemoveSandboxAsync"/>. Called when the pod is being deleted or reaches a terminal
    /// phase, after the agent stopped the containers gracefully. Idempotent; an unknown id is not an error.
    /// </summary>
    ValueTask StopSandboxAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a sandbox together with every container in it and its pod-scoped volumes (emptyDir and file volumes;
    /// host paths and persistent volumes are left untouched). Running containers are killed first.
    /// Idempotent; an unknown id is not an error.
    /// </summary>
    ValueTask RemoveSandboxAsync(string sandboxId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists sandboxes whose labels include every pair in <paramref name="labelFilter"/> (all sandboxes when null or
    /// empty), including stopped ones that were not removed.
    /// </summary>
    ValueTask<IReadOnlyList<RuntimeSandbox>> ListSandboxesAsync(IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Creates (but does not start) a container in sandbox <paramref name="sandboxId"/>. The configuration is fully
    /// resolved by the agent: environment values, <c>$(VAR)</c> expansion, resource quantities and volume contents.
    /// The image must be present (see <see cref="PullImageAsync"/>).
    /// </summary>
    /// <returns>The container id, unique on this runtime.</returns>
    /// <remarks>Not idempotent: each call creates a new container. The agent lists containers by labels first.</remarks>
    /// <exception cref="ContainerRuntimeException">The container could not be created (for example the sandbox is gone,
    /// the image is missing or the configuration is rejected); the agent reports <c>CreateContainerError</c>.</exception>
    ValueTask<string> CreateContainerAsync(string sandboxId, ContainerConfig config, CancellationToken cancellationToken = default);

    /// <summary>
    /// Starts a created container and returns once its process runs (or has already exited). Starting a running or
    /// exited container is a no-op.
    /// </summary>
    /// <exception cref="ContainerRuntimeException">The container does not exist or its process could not be started;
    /// the container is then reported as exited with a reason such as <c>StartError</c>.</exception>
    ValueTask StartContainerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stops a container: sends it the stop signal (SIGTERM), waits up to <paramref name="gracePeriod"/> for it to exit,
    /// then kills it (SIGKILL); returns once it has exited. A zero grace period kills at once. Stopping a container that
    /// has exited or does not exist returns at once. Idempotent.
    /// </summary>
    ValueTask StopContainerAsync(string containerId, TimeSpan gracePeriod, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes a container and its logs, killing it first if it still runs. Idempotent; an unknown id is not an error.
    /// The agent keeps the last exited instance of each container (for <c>logs --previous</c>) and removes older ones.
    /// </summary>
    ValueTask RemoveContainerAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The current status of a container (state, exit code, reason such as <c>OOMKilled</c>, times, message),
    /// or null when it does not exist.
    /// </summary>
    ValueTask<RuntimeContainerStatus?> GetContainerStatusAsync(string containerId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Lists containers (in any state, including exited ones not yet removed) whose labels include every pair in
    /// <paramref name="labelFilter"/>; all containers when null or empty. Each entry is a full status, as cheap as the
    /// runtime can make it.
    /// </summary>
    ValueTask<IReadOnlyList<RuntimeContainerStatus>> ListContainersAsync(IReadOnlyDictionary<string, string>? labelFilter = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// The image named <paramref name="image"/> if it is present on this runtime, or null. Names are compared after
    /// normalisation (<see cref="ImageReference.Normalize"/>: an untagged name means <c>:latest</c>). The agent applies
    /// the pod's imagePullPolicy: <c>IfNotPresent</c> and <c>Never</c> consult this before pulling.
    /// </summary>
    ValueTask<ImageInfo?> GetImageAsync(string image, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pulls an image (again, when it is present: <c>imagePullPolicy: Always</c> re-resolves the tag) and returns it.
    /// Concurrent pulls of one image may be coalesced by the runtime.
    /// </summary>
    /// <exception cref="ImagePullException">The image could not be pulled; the agent reports <c>ErrImagePull</c> and
    /// then <c>ImagePullBackOff</c>.</exception>
    ValueTask<ImageInfo> PullImageAsync(ImagePullRequest request, CancellationToken cancellationToken = default);

    /// <summary>The images present on this runtime, for the node's <c>status.images</c>.</summary>
    ValueTask<IReadOnlyList<ImageInfo>> ListImagesAsync(CancellationToken cancellationToken = default);
}
