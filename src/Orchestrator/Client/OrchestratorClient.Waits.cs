using System.Diagnostics;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Client;

// Wait helpers: follow one object with a watch until it reaches a state, fails, or the timeout passes.
public sealed partial class OrchestratorClient
{
    private static readonly Goal ReadyGoal = new("to be ready", "become ready");
    private static readonly Goal CompletionGoal = new("to complete", "complete");

    /// <inheritdoc/>
    public async Task<T> WaitForReadyAsync<T>(string? @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject =>
        (T)await WaitAsync(ApiResources.For<T>(), @namespace, name, Readiness.Ready, ReadyGoal, timeout, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc/>
    public async Task WaitForReadyAsync(IEnumerable<KubernetesObject> objects, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(objects);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var waits = objects
            .Select(o => WaitAsync(ApiResources.For(o.GetType()), o.Metadata.Namespace, o.Metadata.Name ?? "", Readiness.Ready, ReadyGoal, timeout, stop.Token))
            .ToList();
        try
        {
            while (waits.Count > 0)
            {
                var done = await Task.WhenAny(waits).ConfigureAwait(false);
                waits.Remove(done);
                await done.ConfigureAwait(false); // throws the first failure
            }
        }
        finally
        {
            if (waits.Count > 0)
            {
                await stop.CancelAsync().ConfigureAwait(false);
                try
                {
                    await Task.WhenAll(waits).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // The others were cancelled because one failed; that failure is what the caller sees.
                }
            }
        }
    }

    /// <inheritdoc/>
    public async Task<T> WaitForCompletionAsync<T>(string @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        if (typeof(T) != typeof(Pod) && typeof(T) != typeof(Job))
        {
            throw new NotSupportedException($"{typeof(T).Name} does not complete; wait for a Pod or a Job, or use WaitForConditionAsync.");
        }
        return (T)await WaitAsync(ApiResources.For<T>(), @namespace, name, Readiness.Completed, CompletionGoal, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> WaitForConditionAsync<T>(string? @namespace, string name, Func<T, bool> predicate, TimeSpan? timeout = null,
        string? description = null, CancellationToken cancellationToken = default) where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var goal = string.IsNullOrWhiteSpace(description)
            ? new Goal("to satisfy the condition", "satisfy the condition")
            : new Goal(description, description.StartsWith("to ", StringComparison.Ordinal) ? description[3..] : description);
        return (T)await WaitAsync(ApiResources.For<T>(), @namespace, name, Evaluate, goal, timeout, cancellationToken).ConfigureAwait(false);

        WaitState Evaluate(KubernetesObject? obj) => obj switch
        {
            null => WaitState.Pending("it does not exist"),
            T typed when predicate(typed) => WaitState.Satisfied,
            Pod { Status.Phase: PodPhase.Succeeded or PodPhase.Failed } pod =>
                WaitState.Failed($"it exited (phase {pod.Status!.Phase}) without satisfying the condition: {PodSummary.Containers(pod)}"),
            _ => WaitState.Pending("the condition does not hold yet"),
        };
    }

    /// <inheritdoc/>
    public async Task WaitForDeletionAsync<T>(string? @namespace, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var kind = ApiResources.For<T>();
        var ns = NamespaceOf(kind, @namespace);
        var limit = timeout ?? Options.DefaultTimeout;
        using var deadline = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        KubernetesObject? current = null;
        try
        {
            using var feed = new WatchFeed(Store, kind, new WatchOptions { Namespace = ns, FieldSelector = $"metadata.name={name}" });
            current = await Store.GetAsync(kind, ns, name, linked.Token).ConfigureAwait(false);
            var uid = current?.Metadata.Uid;
            while (current is not null)
            {
                var next = await feed.ReadAsync(linked.Token).ConfigureAwait(false);
                if (next is not { } e) current = await Store.GetAsync(kind, ns, name, linked.Token).ConfigureAwait(false);
                else if (e.Type == WatchEventType.Deleted && e.Object.Metadata.Uid == uid) current = null;
                else if (e.Type != WatchEventType.Bookmark && !IsOlder(e.Object, current)) current = e.Object;
                if (current is not null && current.Metadata.Uid != uid) current = null; // replaced by a new object
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var key = WaitTimeoutException.Display(ns ?? "", name);
            var finalizers = current?.Metadata.Finalizers ?? [];
            var pending = current?.Metadata.DeletionTimestamp is null
                ? "it has not been deleted"
                : finalizers.Count > 0 ? $"it is being deleted, held by finalizers {string.Join(", ", finalizers)}" : "it is being deleted";
            ClientLog.WaitTimedOut(_logger, kind.Kind, key, "to be deleted", limit, pending);
            var diagnostics = await DescribeAsync(kind, ns ?? "", name, cancellationToken).ConfigureAwait(false);
            throw new WaitTimeoutException(kind.Kind, ns ?? "", name, "to be deleted", limit, pending, diagnostics);
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<Node>> WaitForNodesAsync(int count, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var limit = timeout ?? Options.DefaultTimeout;
        var kind = ApiResources.For<Node>();
        using var deadline = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        using var feed = new WatchFeed(Store, kind, new WatchOptions());
        var nodes = new Dictionary<string, Node>(StringComparer.Ordinal);
        try
        {
            foreach (var node in (await Store.ListAsync<Node>(cancellationToken: linked.Token).ConfigureAwait(false)).Items) nodes[node.Metadata.Name!] = node;
            while (nodes.Values.Count(n => n.IsReady()) < count)
            {
                var next = await feed.ReadAsync(linked.Token).ConfigureAwait(false);
                if (next is not { } e) continue;
                var node = (Node)e.Object;
                if (e.Type == WatchEventType.Deleted) nodes.Remove(node.Metadata.Name!);
                else if (e.Type != WatchEventType.Bookmark) nodes[node.Metadata.Name!] = node;
            }
            return [.. nodes.Values.Where(n => n.IsReady()).OrderBy(n => n.Metadata.Name, StringComparer.Ordinal)];
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var ready = nodes.Values.Count(n => n.IsReady());
            var lines = nodes.Values.OrderBy(n => n.Metadata.Name, StringComparer.Ordinal)
                .Select(n => $"Node {n.Metadata.Name}: " + (n.IsReady() ? "Ready" : Readiness.Ready(n).Reason));
            var pending = $"{ready} of {nodes.Count} nodes are Ready, {count} wanted";
            ClientLog.WaitTimedOut(_logger, "Node", "*", $"{count} Ready", limit, pending);
            throw new WaitTimeoutException("Node", "", "*", $"(at least {count}) to be Ready", limit, pending,
                nodes.Count == 0 ? "No node is registered." : string.Join(Environment.NewLine, lines));
        }
    }

    /// <summary>
    /// Follows the object with a watch until <paramref name="evaluate"/> says it is there (returns it), cannot get there
    /// (throws <see cref="WaitFailedException"/> or <see cref="PodFailedException"/>), or the timeout passes (throws
    /// <see cref="WaitTimeoutException"/>). An object that is deleted after it was seen fails the wait.
    /// </summary>
    private async Task<KubernetesObject> WaitAsync(ResourceKind kind, string? @namespace, string name, Func<KubernetesObject?, WaitState> evaluate,
        Goal goal, TimeSpan? timeout, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var ns = NamespaceOf(kind, @namespace) ?? "";
        var key = WaitTimeoutException.Display(ns, name);
        var limit = timeout ?? Options.DefaultTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(limit, TimeSpan.Zero, nameof(timeout));
        using var activity = ClientDiagnostics.ActivitySource.StartActivity($"wait {kind.Kind}");
        activity?.SetTag("kind", kind.Kind);
        activity?.SetTag("namespace", ns);
        activity?.SetTag("name", name);
        activity?.SetTag("goal", goal.ToBe);
        var started = _time.GetTimestamp();

        using var deadline = new CancellationTokenSource(limit, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var options = new WatchOptions { Namespace = kind.Namespaced ? ns : null, FieldSelector = $"metadata.name={name}" };
        KubernetesObject? current = null;
        var state = WaitState.Pending("it has not been read yet");
        var seen = false;
        var deleted = false;
        try
        {
            using var feed = new WatchFeed(Store, kind, options);
            current = await Store.GetAsync(kind, kind.Namespaced ? ns : null, name, linked.Token).ConfigureAwait(false);
            seen = current is not null;
            while (true)
            {
                state = evaluate(current);
                if (state.Outcome == WaitOutcome.Satisfied)
                {
                    ClientLog.WaitSucceeded(_logger, kind.Kind, key, goal.ToBe, _time.GetElapsedTime(started));
                    return current!;
                }
                if (state.Outcome == WaitOutcome.Failed) break;

                var next = await feed.ReadAsync(linked.Token).ConfigureAwait(false);
                if (next is not { } e)
                {
                    // The watch restarted: read the current state, which also tells whether the object went away.
                    current = await Store.GetAsync(kind, kind.Namespaced ? ns : null, name, linked.Token).ConfigureAwait(false);
                    if (current is null && seen)
                    {
                        deleted = true;
                        state = WaitState.Failed("it was deleted");
                        break;
                    }
                    seen |= current is not null;
                    continue;
                }
                if (e.Type == WatchEventType.Bookmark || IsOlder(e.Object, current)) continue;
                if (e.Type == WatchEventType.Deleted)
                {
                    current = e.Object;
                    deleted = true;
                    state = WaitState.Failed("it was deleted");
                    break;
                }
                current = e.Object;
                seen = true;
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ClientLog.WaitTimedOut(_logger, kind.Kind, key, goal.ToBe, limit, state.Reason);
            activity?.SetStatus(ActivityStatusCode.Error, "timeout");
            var diagnostics = await DescribeAsync(kind, ns, name, cancellationToken).ConfigureAwait(false);
            throw new WaitTimeoutException(kind.Kind, ns, name, goal.ToBe, limit, state.Reason, diagnostics);
        }

        ClientLog.WaitFailed(_logger, kind.Kind, key, goal.Verb, state.Reason);
        activity?.SetStatus(ActivityStatusCode.Error, state.Reason);
        // A deleted object is described as last seen; otherwise as it is now (its pods' logs and events may have moved on).
        var description = deleted
            ? await _describer.DescribeAsync(kind, ns, name, current, cancellationToken).ConfigureAwait(false)
            : await DescribeAsync(kind, ns, name, cancellationToken).ConfigureAwait(false);
        if (current is Pod pod && pod.IsTerminal()) throw new PodFailedException(pod, goal.Verb, state.Reason, description);
        throw new WaitFailedException(kind.Kind, ns, name, goal.Verb, state.Reason, description);
    }

    /// <summary>True when <paramref name="candidate"/> is an older state than <paramref name="current"/> (the watch's first
    /// events may predate the state read with the get).</summary>
    private static bool IsOlder(KubernetesObject candidate, KubernetesObject? current) =>
        current is not null &&
        long.TryParse(candidate.Metadata.ResourceVersion, out var candidateVersion) &&
        long.TryParse(current.Metadata.ResourceVersion, out var currentVersion) &&
        candidateVersion < currentVersion &&
        candidate.Metadata.Uid == current.Metadata.Uid;

    /// <summary>What a wait is for, as the two phrases its messages need.</summary>
    /// <param name="ToBe">After "waiting for X ...", e.g. <c>to be ready</c>.</param>
    /// <param name="Verb">After "X will not ...", e.g. <c>become ready</c>.</param>
    private sealed record Goal(string ToBe, string Verb);
}
