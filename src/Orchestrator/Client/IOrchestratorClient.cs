using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Manifests;
using Orchestrator.Runtime;
using Orchestrator.Store;

namespace Orchestrator.Client;

/// <summary>
/// What application code needs from an embedded cluster, in the words of <c>kubectl</c>: apply, get, list, watch,
/// delete, scale, rollout, logs, exec, and waits whose failures explain themselves. Registered by
/// <see cref="Hosting.OrchestratorServiceCollectionExtensions.AddOrchestrator"/>; over a bare store, create an
/// <see cref="OrchestratorClient"/>. All members are thread-safe.
/// </summary>
/// <remarks>
/// <para><b>Waits.</b> Every <c>WaitFor*</c> method follows the object with a watch (no polling) and returns the object in
/// the awaited state. It throws <see cref="WaitTimeoutException"/> when its timeout passes (the timeout given, else
/// <see cref="OrchestratorClientOptions.DefaultTimeout"/>), and <see cref="WaitFailedException"/> at once when the
/// awaited state can no longer be reached: a Job failed, a Deployment exceeded its progress deadline, the object was
/// deleted, or — as <see cref="PodFailedException"/> — an awaited Pod exited (phase <c>Failed</c>, or <c>Succeeded</c>
/// while awaited to become ready). Both messages say what was awaited and why it did not happen: for pods the containers'
/// waiting reasons, last exit codes, last log lines and recent Warning events. Cancelling the token throws
/// <see cref="OperationCanceledException"/>.</para>
/// <para><b>Readiness</b> per kind: a Pod's <c>Ready</c> condition; a Deployment rolled out (every replica updated and
/// available, as <c>kubectl rollout status</c>); ReplicaSets and ReplicationControllers with every replica ready and
/// available; a StatefulSet with every pod ready at the update revision; a DaemonSet with every scheduled pod updated and
/// available; a Job that completed or whose active pods are all ready; a Node's <c>Ready</c> condition; a bound
/// PersistentVolumeClaim; an active Namespace; any other object once it exists.</para>
/// </remarks>
public interface IOrchestratorClient
{
    /// <summary>The store the client reads and writes, for what the client does not cover.</summary>
    IObjectStore Store { get; }

    /// <summary>
    /// Applies every object of the YAML (or JSON) <paramref name="manifest"/> as <c>kubectl apply</c> does: created when
    /// missing, else updated by a three-way merge; all or nothing (see <see cref="ManifestApplier"/>).
    /// </summary>
    /// <param name="manifest">One or more documents separated by <c>---</c>.</param>
    /// <param name="namespace">The namespace of objects whose manifest names none; <c>default</c> when null.</param>
    /// <param name="cancellationToken">Stops the apply; what was written is undone.</param>
    /// <returns>What was done to each object, in the order applied.</returns>
    /// <exception cref="ManifestException">A document is invalid, a namespace is missing or a write failed (nothing was applied).</exception>
    Task<IReadOnlyList<ApplyResult>> ApplyAsync(string manifest, string? @namespace = null, CancellationToken cancellationToken = default);

    /// <summary>Applies the manifest file at <paramref name="path"/>; see <see cref="ApplyAsync(string, string?, CancellationToken)"/>.</summary>
    /// <exception cref="ManifestException">A document is invalid, a namespace is missing or a write failed (nothing was applied).</exception>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    Task<IReadOnlyList<ApplyResult>> ApplyFileAsync(string path, string? @namespace = null, CancellationToken cancellationToken = default);

    /// <summary>Applies one object built in code (a namespaced object without namespace goes to <c>default</c>).</summary>
    /// <returns>The object as stored.</returns>
    /// <exception cref="ManifestException">The object is invalid, its namespace is missing or the write failed.</exception>
    Task<T> ApplyAsync<T>(T obj, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>The object named <paramref name="name"/>, or null when it does not exist.</summary>
    /// <param name="namespace">The namespace; null or empty for cluster-scoped kinds.</param>
    /// <param name="name">The object name.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    Task<T?> GetAsync<T>(string? @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>The objects of kind <typeparamref name="T"/> in <paramref name="namespace"/> (all when null) matching <paramref name="labelSelector"/>.</summary>
    /// <param name="namespace">The namespace; null for every namespace.</param>
    /// <param name="labelSelector">A Kubernetes label selector such as <c>app=web,tier in (fe)</c>; null for all.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    /// <exception cref="Api.Errors.BadRequestException">The selector does not parse.</exception>
    Task<IReadOnlyList<T>> ListAsync<T>(string? @namespace = null, string? labelSelector = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>
    /// Watches objects of kind <typeparamref name="T"/>: each subscription first receives an <see cref="WatchEventType.Added"/>
    /// event for every current object, then every change, on a background thread, one at a time (see <see cref="IObjectReader.Watch"/>).
    /// </summary>
    /// <param name="namespace">The namespace; null for every namespace.</param>
    /// <param name="labelSelector">A label selector; null for all.</param>
    IObservable<WatchEvent<T>> Watch<T>(string? @namespace = null, string? labelSelector = null) where T : KubernetesObject;

    /// <summary>
    /// Deletes the object; dependents follow by <see cref="DeleteOptions.PropagationPolicy"/> (background by default,
    /// as <c>kubectl delete</c>). A Pod on a node is deleted gracefully: it is gone once its containers stopped.
    /// </summary>
    /// <returns>False when the object did not exist.</returns>
    Task<bool> DeleteAsync<T>(string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>Sets <c>spec.replicas</c> of a Deployment, ReplicaSet, StatefulSet or ReplicationController (<c>kubectl scale</c>).</summary>
    /// <returns>The updated object; its controller then creates or deletes pods.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="replicas"/> is negative.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> cannot be scaled.</exception>
    /// <exception cref="Api.Errors.NotFoundException">The object does not exist.</exception>
    Task<T> ScaleAsync<T>(string @namespace, string name, int replicas, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>Where the rollout of a Deployment, StatefulSet or DaemonSet stands (<c>kubectl rollout status</c>, without waiting).</summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no rollout.</exception>
    /// <exception cref="Api.Errors.NotFoundException">The object does not exist.</exception>
    /// <exception cref="RolloutException">A Deployment exceeded its progress deadline.</exception>
    Task<RolloutStatus> GetRolloutStatusAsync<T>(string @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>The revisions of a Deployment, oldest first (<c>kubectl rollout history</c>).</summary>
    /// <exception cref="Api.Errors.NotFoundException">The Deployment does not exist.</exception>
    Task<IReadOnlyList<RolloutRevision>> GetRolloutHistoryAsync(string @namespace, string deployment, CancellationToken cancellationToken = default);

    /// <summary>Rolls a Deployment back to <paramref name="toRevision"/>, or to the previous revision when 0 (<c>kubectl rollout undo</c>).</summary>
    /// <returns>The revision rolled back to.</returns>
    /// <exception cref="RolloutException">There is no such revision, no earlier one, or the Deployment is paused.</exception>
    Task<long> UndoRolloutAsync(string @namespace, string deployment, long toRevision = 0, CancellationToken cancellationToken = default);

    /// <summary>Pauses a Deployment's rollout (<c>kubectl rollout pause</c>); returns false when it was paused already.</summary>
    Task<bool> PauseRolloutAsync(string @namespace, string deployment, CancellationToken cancellationToken = default);

    /// <summary>Resumes a Deployment's paused rollout (<c>kubectl rollout resume</c>); returns false when it was not paused.</summary>
    Task<bool> ResumeRolloutAsync(string @namespace, string deployment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces every pod of a Deployment, StatefulSet or DaemonSet through a rollout (<c>kubectl rollout restart</c>), by
    /// stamping the pod template with the <c>kubectl.kubernetes.io/restartedAt</c> annotation.
    /// </summary>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> has no rollout.</exception>
    /// <exception cref="RolloutException">A Deployment is paused.</exception>
    Task RestartRolloutAsync<T>(string @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>
    /// Streams a container's log lines, oldest first (<c>kubectl logs</c>), through the runtime of the pod's node. With
    /// <see cref="PodLogOptions.Follow"/> it ends when the container exits or the token is cancelled.
    /// </summary>
    /// <exception cref="Api.Errors.NotFoundException">The pod does not exist.</exception>
    /// <exception cref="Api.Errors.BadRequestException">The container does not exist in the pod, or has not started (its waiting reason is given).</exception>
    /// <exception cref="NotSupportedException">The runtime of the pod's node cannot read logs.</exception>
    /// <exception cref="InvalidOperationException">The pod's node is not run by this process.</exception>
    IAsyncEnumerable<string> ReadLogsAsync(string @namespace, string podName, PodLogOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs <paramref name="command"/> (not in a shell) in a running container of the pod (<c>kubectl exec</c>) and returns
    /// its exit code and output.
    /// </summary>
    /// <param name="namespace">The pod's namespace.</param>
    /// <param name="podName">The pod.</param>
    /// <param name="command">The program and its arguments.</param>
    /// <param name="container">The container; null for the pod's default container.</param>
    /// <param name="timeout">How long the command may run; one minute when null. A timed-out command has <see cref="ExecResult.TimedOut"/> set.</param>
    /// <param name="cancellationToken">Stops waiting for the command.</param>
    /// <exception cref="Api.Errors.BadRequestException">The container does not exist or is not running.</exception>
    /// <exception cref="NotSupportedException">The runtime of the pod's node cannot exec.</exception>
    Task<ExecResult> ExecAsync(string @namespace, string podName, IReadOnlyList<string> command, string? container = null, TimeSpan? timeout = null,
        CancellationToken cancellationToken = default);

    /// <summary>Waits until the object is ready (see the remarks for what ready means per kind) and returns it.</summary>
    /// <exception cref="WaitTimeoutException">The timeout passed.</exception>
    /// <exception cref="WaitFailedException">It can no longer become ready (a <see cref="PodFailedException"/> for an exited Pod).</exception>
    Task<T> WaitForReadyAsync<T>(string? @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>
    /// Waits until every object of <paramref name="objects"/> (for example the results of an apply) is ready, within one
    /// overall <paramref name="timeout"/>. Fails with the first object that fails or is not ready in time.
    /// </summary>
    /// <exception cref="WaitTimeoutException">The timeout passed.</exception>
    /// <exception cref="WaitFailedException">An object can no longer become ready.</exception>
    Task WaitForReadyAsync(IEnumerable<KubernetesObject> objects, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>Waits until a Pod has succeeded or a Job has completed, and returns it.</summary>
    /// <exception cref="WaitTimeoutException">The timeout passed.</exception>
    /// <exception cref="WaitFailedException">The Job failed, or the object was deleted.</exception>
    /// <exception cref="PodFailedException">The Pod failed.</exception>
    /// <exception cref="NotSupportedException"><typeparamref name="T"/> is neither Pod nor Job.</exception>
    Task<T> WaitForCompletionAsync<T>(string @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>
    /// Waits until <paramref name="predicate"/> holds for the object (evaluated on every change; the object may not exist
    /// yet) and returns it. For a Pod that has exited (phase <c>Succeeded</c> or <c>Failed</c>) and does not satisfy the
    /// predicate, the wait fails at once with <see cref="PodFailedException"/>: a finished pod's status never changes.
    /// </summary>
    /// <param name="namespace">The namespace; null or empty for cluster-scoped kinds.</param>
    /// <param name="name">The object name.</param>
    /// <param name="predicate">Pure and fast; called on the watch's thread.</param>
    /// <param name="timeout">How long to wait; <see cref="OrchestratorClientOptions.DefaultTimeout"/> when null.</param>
    /// <param name="description">What the predicate means, for messages, for example <c>"to have 3 replicas"</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="WaitTimeoutException">The timeout passed.</exception>
    /// <exception cref="WaitFailedException">The object was deleted while awaited.</exception>
    Task<T> WaitForConditionAsync<T>(string? @namespace, string name, Func<T, bool> predicate, TimeSpan? timeout = null, string? description = null,
        CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>
    /// Waits until the object no longer exists (<c>kubectl wait --for=delete</c>): returns at once when it does not exist,
    /// or when it is replaced by a new object of the same name (another uid).
    /// </summary>
    /// <exception cref="WaitTimeoutException">The timeout passed; the message says what holds the object (finalizers, pods still stopping).</exception>
    Task WaitForDeletionAsync<T>(string? @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject;

    /// <summary>Waits until at least <paramref name="count"/> nodes are Ready and returns the Ready nodes.</summary>
    /// <exception cref="WaitTimeoutException">The timeout passed; the message lists the nodes and their conditions.</exception>
    Task<IReadOnlyList<Node>> WaitForNodesAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Describes the object as a failed wait would: its status and conditions, its pods that are not ready with their
    /// containers' states, exit codes and last log lines, and recent Warning events (<c>kubectl describe</c>, condensed).
    /// </summary>
    Task<string> DescribeAsync<T>(string? @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject;

    /// <summary>Describes the current state of the object of <paramref name="obj"/>'s kind, namespace and name; see <see cref="DescribeAsync{T}"/>.</summary>
    Task<string> DescribeAsync(KubernetesObject obj, CancellationToken cancellationToken = default);
}
