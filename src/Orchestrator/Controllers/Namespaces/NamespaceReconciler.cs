using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Empties and finalizes a namespace being deleted (Kubernetes' namespace controller). The store marks a deleted
/// namespace Terminating (deletionTimestamp, <c>status.phase: Terminating</c>, no new content) and keeps it while its
/// <c>spec.finalizers</c> holds <c>kubernetes</c>.
/// </summary>
/// <remarks>
/// <para>Each call for a terminating namespace that still has the <c>kubernetes</c> finalizer: deletes every object of
/// every namespaced kind in it that is not already being deleted (default delete options, so pods on a node terminate
/// gracefully through their node agent and the garbage collector handles dependents); writes Kubernetes' deletion
/// conditions to the namespace status; and, once no object remains, removes <c>kubernetes</c> from
/// <c>spec.finalizers</c>, upon which the store removes the namespace (when no other finalizer remains).</para>
/// <para>The content is read from the store, not from informer caches: the namespace may be finalized only once the
/// store holds nothing in it, and because the store refuses new content in a terminating namespace, an empty listing
/// stays empty. Objects that stay (graceful pods, finalizers) are waited for: any change of content in a terminating
/// namespace queues it again, and it is re-checked after <see cref="NamespaceControllerOptions.ContentRecheckInterval"/>.
/// A failed delete is reported in the <c>NamespaceDeletionContentFailure</c> condition and the call throws, so the
/// namespace is retried with back-off.</para>
/// </remarks>
internal sealed class NamespaceReconciler : IReconciler
{
    /// <summary>The controller name in logs, metrics and traces.</summary>
    public const string Name = "namespace-controller";

    /// <summary>The <c>spec.finalizers</c> entry this controller removes once the namespace is empty.</summary>
    public const string Finalizer = ObjectLifecycle.NamespaceFinalizer;

    private static readonly ResourceKind[] ContentKinds = [.. ApiResources.All.Where(k => k.Namespaced)];

    private readonly IObjectStore _store;
    private readonly ILister<Namespace> _namespaces;
    private readonly TimeProvider _time;
    private readonly NamespaceControllerOptions _options;
    private readonly ILogger _logger;

    public NamespaceReconciler(IObjectStore store, SharedInformerFactory informers, TimeProvider time, NamespaceControllerOptions options, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ContentRecheckInterval, TimeSpan.Zero);
        _store = store;
        _namespaces = informers.GetLister<Namespace>();
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var ns = _namespaces.Get(key);
        if (ns?.Metadata.DeletionTimestamp is null || !ns.Spec.Finalizers.Contains(Finalizer)) return ReconcileResult.Done;
        var name = ns.Metadata.Name!;

        var content = await DeleteContentAsync(name, cancellationToken).ConfigureAwait(false);
        await UpdateConditionsAsync(name, content, cancellationToken).ConfigureAwait(false);
        if (content.Failures.Count > 0)
        {
            throw new InvalidOperationException($"Failed to delete all content of namespace {name}: {string.Join("; ", content.Failures)}");
        }
        if (content.Remaining.Count > 0)
        {
            NamespaceLog.ContentRemaining(_logger, name, content.Remaining.Values.Sum());
            return ReconcileResult.After(_options.ContentRecheckInterval);
        }

        try
        {
            await _store.UpdateWithRetryAsync<Namespace>(null, name, current =>
                current.Metadata.Uid != ns.Metadata.Uid || !current.Spec.Finalizers.Contains(Finalizer)
                    ? null
                    : current with { Spec = current.Spec with { Finalizers = [.. current.Spec.Finalizers.Where(f => f != Finalizer)] } },
                cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
            return ReconcileResult.Done;
        }
        NamespaceLog.Finalized(_logger, name);
        return ReconcileResult.Done;
    }

    /// <summary>Deletes every object in the namespace not yet being deleted; reports what remains.</summary>
    private async Task<ContentState> DeleteContentAsync(string ns, CancellationToken cancellationToken)
    {
        var state = new ContentState();
        var options = new ListOptions { Namespace = ns };
        foreach (var kind in ContentKinds)
        {
            ObjectList<KubernetesObject> list;
            try
            {
                list = await _store.ListAsync(kind, options, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                state.Failures.Add($"{ResourceName(kind)}: {ex.Message}");
                continue;
            }
            foreach (var obj in list.Items)
            {
                var remaining = obj;
                if (obj.Metadata.DeletionTimestamp is null)
                {
                    try
                    {
                        remaining = await _store.DeleteAsync(kind, ns, obj.Metadata.Name!, new DeleteOptions { PreconditionUid = obj.Metadata.Uid }, cancellationToken)
                            .ConfigureAwait(false);
                    }
                    catch (NotFoundException)
                    {
                        remaining = null;
                    }
                    catch (ConflictException)
                    {
                        // Replaced meanwhile; the next pass sees the new object.
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        state.Failures.Add($"{ResourceName(kind)} \"{obj.Metadata.Name}\": {ex.Message}");
                    }
                }
                if (remaining is not null) state.Count(ResourceName(kind), remaining.Metadata.Finalizers);
            }
        }
        return state;
    }

    /// <summary>Writes the deletion conditions when they differ from the stored ones.</summary>
    private async Task UpdateConditionsAsync(string name, ContentState content, CancellationToken cancellationToken)
    {
        try
        {
            await _store.UpdateStatusWithRetryAsync<Namespace>(null, name, current =>
            {
                var status = current.Status ?? new NamespaceStatus();
                var conditions = Conditions(content, status.Conditions, _time.GetUtcNow());
                return conditions is null ? null : current with { Status = status with { Conditions = conditions } };
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (NotFoundException)
        {
        }
    }

    /// <summary>The conditions that describe <paramref name="content"/>, or null when <paramref name="existing"/> already does.</summary>
    internal static IReadOnlyList<NamespaceCondition>? Conditions(ContentState content, IReadOnlyList<NamespaceCondition> existing, DateTimeOffset now)
    {
        var failed = content.Failures.Count > 0;
        var remaining = content.Remaining.Count > 0;
        var finalizers = content.Finalizers.Count > 0;
        (string Type, bool Status, string Reason, string Message)[] desired =
        [
            (NamespaceConditionTypes.DeletionDiscoveryFailure, false, NamespaceConditionTypes.ResourcesDiscovered, "All resources successfully discovered"),
            (NamespaceConditionTypes.DeletionGroupVersionParsingFailure, false, NamespaceConditionTypes.ParsedGroupVersions,
                "All legacy kube types successfully parsed"),
            failed
                ? (NamespaceConditionTypes.DeletionContentFailure, true, NamespaceConditionTypes.ContentDeletionFailed,
                    $"Failed to delete all resource types, {content.Failures.Count} remaining: {string.Join(", ", content.Failures)}")
                : (NamespaceConditionTypes.DeletionContentFailure, false, NamespaceConditionTypes.ContentDeleted,
                    "All content successfully deleted, may be waiting on finalization"),
            remaining
                ? (NamespaceConditionTypes.ContentRemaining, true, NamespaceConditionTypes.SomeResourcesRemain,
                    "Some resources are remaining: " + string.Join(", ", content.Remaining.Select(r => $"{r.Key} has {r.Value} resource instances")))
                : (NamespaceConditionTypes.ContentRemaining, false, NamespaceConditionTypes.ContentRemoved, "All content successfully removed"),
            finalizers
                ? (NamespaceConditionTypes.FinalizersRemaining, true, NamespaceConditionTypes.SomeFinalizersRemain,
                    "Some content in the namespace has finalizers remaining: " +
                    string.Join(", ", content.Finalizers.Select(f => $"{f.Key} in {f.Value} resource instances")))
                : (NamespaceConditionTypes.FinalizersRemaining, false, NamespaceConditionTypes.ContentHasNoFinalizers,
                    "All content-preserving finalizers finished"),
        ];

        var changed = false;
        var result = new List<NamespaceCondition>(existing.Where(c => !desired.Any(d => d.Type == c.Type)));
        foreach (var (type, isTrue, reason, message) in desired)
        {
            var status = isTrue ? ConditionStatus.True : ConditionStatus.False;
            var old = existing.FirstOrDefault(c => c.Type == type);
            if (old is not null && old.Status == status && old.Reason == reason && old.Message == message)
            {
                result.Add(old);
                continue;
            }
            changed = true;
            result.Add(new NamespaceCondition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                LastTransitionTime = old is not null && old.Status == status ? old.LastTransitionTime : now,
            });
        }
        return changed ? result : null;
    }

    /// <summary>Kubernetes' <c>GroupResource</c> string: <c>pods</c>, <c>replicasets.apps</c>.</summary>
    private static string ResourceName(ResourceKind kind) => kind.Group.Length == 0 ? kind.Plural : $"{kind.Plural}.{kind.Group}";

    /// <summary>What one deletion pass left: counts per resource and per finalizer (sorted, for stable messages) and errors.</summary>
    internal sealed class ContentState
    {
        public SortedDictionary<string, int> Remaining { get; } = new(StringComparer.Ordinal);

        public SortedDictionary<string, int> Finalizers { get; } = new(StringComparer.Ordinal);

        public List<string> Failures { get; } = [];

        public void Count(string resource, IReadOnlyList<string> finalizers)
        {
            Remaining[resource] = Remaining.GetValueOrDefault(resource) + 1;
            foreach (var finalizer in finalizers) Finalizers[finalizer] = Finalizers.GetValueOrDefault(finalizer) + 1;
        }
    }
}
