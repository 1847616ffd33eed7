using System.Collections.Immutable;
using System.Globalization;
using System.Threading.Channels;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The <c>kubectl rollout</c> of this library for Deployments: status, history, undo (to the previous or a given
/// revision), pause, resume and restart, over an <see cref="IObjectStore"/>. Like kubectl, it only changes the Deployment
/// object; the Deployment controller (<see cref="DeploymentControllerServiceCollectionExtensions.AddDeploymentController"/>)
/// carries the change out. Stateless and thread-safe.
/// </summary>
/// <example>
/// <code>
/// var rollouts = new DeploymentRollouts(store);
/// foreach (var revision in await rollouts.GetHistoryAsync("default", "web"))
///     Console.WriteLine($"{revision.Revision} {revision.ChangeCause}");
/// await rollouts.UndoAsync("default", "web", toRevision: 2);
/// await rollouts.WaitForRolloutAsync("default", "web", cancellationToken);
/// </code>
/// </example>
public sealed class DeploymentRollouts
{
    /// <summary>The pod template annotation <see cref="RestartAsync"/> sets, as <c>kubectl rollout restart</c> does.</summary>
    public const string RestartedAtAnnotation = "kubectl.kubernetes.io/restartedAt";

    private const int MaxAttempts = 5;

    private readonly IObjectStore _store;
    private readonly TimeProvider _time;

    /// <summary>Creates the API over <paramref name="store"/>.</summary>
    /// <param name="store">Where Deployments and ReplicaSets are read and written.</param>
    /// <param name="timeProvider">The clock for <see cref="RestartAsync"/>; <see cref="TimeProvider.System"/> when null.</param>
    public DeploymentRollouts(IObjectStore store, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Where the rollout stands (kubectl's <c>DeploymentStatusViewer</c>): waiting for the controller to observe the
    /// latest spec, for new replicas to be updated, for old replicas to terminate, for updated replicas to become
    /// available, or complete.
    /// </summary>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    /// <exception cref="RolloutException">The rollout exceeded its progress deadline.</exception>
    public async Task<RolloutStatus> GetStatusAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        StatusOf(await _store.GetRequiredAsync<Deployment>(@namespace, name, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Waits until the rollout is complete (<c>kubectl rollout status</c>), following the Deployment with a watch.
    /// </summary>
    /// <returns>The final status.</returns>
    /// <exception cref="NotFoundException">The Deployment does not exist, or is deleted while waiting.</exception>
    /// <exception cref="RolloutException">The rollout exceeded its progress deadline.</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled first.</exception>
    public async Task<RolloutStatus> WaitForRolloutAsync(string @namespace, string name, CancellationToken cancellationToken)
    {
        var changes = Channel.CreateUnbounded<WatchEvent<Deployment>>(new UnboundedChannelOptions { SingleReader = true });
        var options = new WatchOptions { Namespace = @namespace, FieldSelector = $"metadata.name={name}" };
        using var watch = _store.Watch<Deployment>(options).Subscribe(new ChannelObserver(changes.Writer));
        var current = await GetStatusAsync(@namespace, name, cancellationToken).ConfigureAwait(false);
        while (!current.IsComplete)
        {
            var change = await changes.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (change.Type == WatchEventType.Deleted) throw new NotFoundException("deployments.apps", @namespace, name);
            if (change.Type is WatchEventType.Added or WatchEventType.Modified) current = StatusOf(change.Object);
        }
        return current;
    }

    /// <summary>
    /// The rollout history (<c>kubectl rollout history</c>): one entry per ReplicaSet of the Deployment that has a revision,
    /// oldest revision first, with its change cause and template.
    /// </summary>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    public async Task<IReadOnlyList<RolloutRevision>> GetHistoryAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        var deployment = await _store.GetRequiredAsync<Deployment>(@namespace, name, cancellationToken).ConfigureAwait(false);
        var replicaSets = await ReplicaSetsOfAsync(deployment, cancellationToken).ConfigureAwait(false);
        return [.. replicaSets
            .Where(rs => DeploymentAnnotations.Revision(rs) > 0)
            .OrderBy(DeploymentAnnotations.Revision)
            .Select(rs => new RolloutRevision(
                DeploymentAnnotations.Revision(rs),
                rs.Metadata.Annotations.GetValueOrDefault(DeploymentAnnotations.ChangeCause),
                rs.Metadata.Name ?? "",
                PodTemplateHash.WithoutHashLabel(rs.Spec.Template)))];
    }

    /// <summary>
    /// Rolls the Deployment back (<c>kubectl rollout undo</c>): replaces its pod template with that of revision
    /// <paramref name="toRevision"/>, or of the revision before the latest when it is 0, and its annotations with that
    /// revision's (keeping those the controller owns). The controller then rolls out the old ReplicaSet again under a new
    /// revision number. When the template already equals the revision's, nothing changes.
    /// </summary>
    /// <returns>The revision rolled back to.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="toRevision"/> is negative.</exception>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    /// <exception cref="RolloutException">The revision does not exist, there is no earlier revision, or the Deployment is paused.</exception>
    public async Task<long> UndoAsync(string @namespace, string name, long toRevision = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(toRevision);
        for (var attempt = 1; ; attempt++)
        {
            var deployment = await _store.GetRequiredAsync<Deployment>(@namespace, name, cancellationToken).ConfigureAwait(false);
            var replicaSets = await ReplicaSetsOfAsync(deployment, cancellationToken).ConfigureAwait(false);
            var target = FindRevision(deployment, replicaSets, toRevision);
            var revision = DeploymentAnnotations.Revision(target);
            if (deployment.Spec.Paused)
            {
                throw new RolloutException(
                    $"you cannot rollback a paused deployment; resume it first with {nameof(ResumeAsync)} and try again");
            }
            if (PodTemplateHash.EqualIgnoringHash(target.Spec.Template, deployment.Spec.Template)) return revision;

            var annotations = ImmutableDictionary.CreateBuilder<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in deployment.Metadata.Annotations)
            {
                if (DeploymentAnnotations.Skipped.Contains(key)) annotations[key] = value;
            }
            foreach (var (key, value) in target.Metadata.Annotations)
            {
                if (!DeploymentAnnotations.Skipped.Contains(key)) annotations[key] = value;
            }
            var rolledBack = deployment with
            {
                Metadata = deployment.Metadata with { Annotations = annotations.ToImmutable() },
                Spec = deployment.Spec with { Template = PodTemplateHash.WithoutHashLabel(target.Spec.Template) },
            };
            try
            {
                await _store.UpdateAsync<Deployment>(rolledBack, cancellationToken).ConfigureAwait(false);
                return revision;
            }
            catch (ConflictException) when (attempt < MaxAttempts)
            {
                // Changed meanwhile: decide again on the new state.
            }
        }
    }

    /// <summary>Pauses the rollout (<c>kubectl rollout pause</c>): template changes wait; scaling still applies.</summary>
    /// <returns>False when it was already paused.</returns>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    public Task<bool> PauseAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        SetPausedAsync(@namespace, name, paused: true, cancellationToken);

    /// <summary>Resumes a paused rollout (<c>kubectl rollout resume</c>); its progress deadline starts again.</summary>
    /// <returns>False when it was not paused.</returns>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    public Task<bool> ResumeAsync(string @namespace, string name, CancellationToken cancellationToken = default) =>
        SetPausedAsync(@namespace, name, paused: false, cancellationToken);

    /// <summary>
    /// Restarts every pod through a rollout (<c>kubectl rollout restart</c>): sets the pod template annotation
    /// <see cref="RestartedAtAnnotation"/> to the current time, which makes a new revision.
    /// </summary>
    /// <exception cref="NotFoundException">The Deployment does not exist.</exception>
    /// <exception cref="RolloutException">The Deployment is paused.</exception>
    public async Task RestartAsync(string @namespace, string name, CancellationToken cancellationToken = default)
    {
        var now = _time.GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ssK", CultureInfo.InvariantCulture);
        await _store.UpdateWithRetryAsync<Deployment>(@namespace, name, d =>
        {
            if (d.Spec.Paused) throw new RolloutException($"can't restart paused deployment (run {nameof(ResumeAsync)} first)");
            var template = d.Spec.Template;
            var annotations = template.Metadata.Annotations.ToImmutableDictionary().SetItem(RestartedAtAnnotation, now);
            return d with { Spec = d.Spec with { Template = template with { Metadata = template.Metadata with { Annotations = annotations } } } };
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>kubectl's <c>DeploymentStatusViewer.Status</c>.</summary>
    internal static RolloutStatus StatusOf(Deployment deployment)
    {
        var name = deployment.Metadata.Name;
        var status = deployment.Status ?? new DeploymentStatus();
        if (deployment.Metadata.Generation > status.ObservedGeneration) return new(false, "Waiting for deployment spec update to be observed...");
        if (status.GetCondition(DeploymentConditionType.Progressing)?.Reason == DeploymentConditionReasons.ProgressDeadlineExceeded)
        {
            throw new RolloutException($"deployment \"{name}\" exceeded its progress deadline");
        }
        var replicas = deployment.Spec.Replicas;
        if (status.UpdatedReplicas < replicas)
        {
            return new(false, $"Waiting for deployment \"{name}\" rollout to finish: {status.UpdatedReplicas} out of {replicas} new replicas have been updated...");
        }
        if (status.Replicas > status.UpdatedReplicas)
        {
            return new(false, $"Waiting for deployment \"{name}\" rollout to finish: {status.Replicas - status.UpdatedReplicas} old replicas are pending termination...");
        }
        if (status.AvailableReplicas < status.UpdatedReplicas)
        {
            return new(false, $"Waiting for deployment \"{name}\" rollout to finish: {status.AvailableReplicas} of {status.UpdatedReplicas} updated replicas are available...");
        }
        return new(true, $"deployment \"{name}\" successfully rolled out");
    }

    /// <summary>
    /// The ReplicaSet of <paramref name="toRevision"/>, or for 0 the one with the second-highest revision (kubectl's
    /// <c>rsForRevision</c>).
    /// </summary>
    private static ReplicaSet FindRevision(Deployment deployment, IReadOnlyList<ReplicaSet> replicaSets, long toRevision)
    {
        ReplicaSet? latest = null, previous = null;
        long latestRevision = -1, previousRevision = -1;
        foreach (var rs in replicaSets)
        {
            var revision = DeploymentAnnotations.Revision(rs);
            if (revision <= 0) continue;
            if (toRevision > 0)
            {
                if (revision == toRevision) return rs;
                continue;
            }
            if (latestRevision < revision)
            {
                (previousRevision, previous) = (latestRevision, latest);
                (latestRevision, latest) = (revision, rs);
            }
            else if (previousRevision < revision)
            {
                (previousRevision, previous) = (revision, rs);
            }
        }
        if (toRevision > 0) throw new RolloutException($"unable to find specified revision {toRevision} in history");
        return previous ?? throw new RolloutException($"no rollout history found for deployment \"{deployment.Metadata.Name}\"");
    }

    /// <summary>The ReplicaSets the Deployment controls, read from the store.</summary>
    private async Task<IReadOnlyList<ReplicaSet>> ReplicaSetsOfAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        var selector = Selector.FromLabelSelector(deployment.Spec.Selector);
        if (selector.IsNothing) return [];
        var list = await _store.ListAsync<ReplicaSet>(new ListOptions
        {
            Namespace = deployment.Metadata.Namespace,
            LabelSelector = selector.ToString(),
        }, cancellationToken).ConfigureAwait(false);
        return [.. list.Items.Where(rs => ControllerRefs.IsControlledBy(rs, deployment.Metadata.Uid))];
    }

    private async Task<bool> SetPausedAsync(string @namespace, string name, bool paused, CancellationToken cancellationToken)
    {
        var changed = false;
        await _store.UpdateWithRetryAsync<Deployment>(@namespace, name, d =>
        {
            changed = d.Spec.Paused != paused;
            return changed ? d with { Spec = d.Spec with { Paused = paused } } : null;
        }, cancellationToken).ConfigureAwait(false);
        return changed;
    }

    private sealed class ChannelObserver(ChannelWriter<WatchEvent<Deployment>> writer) : IObserver<WatchEvent<Deployment>>
    {
        public void OnNext(WatchEvent<Deployment> value) => writer.TryWrite(value);

        public void OnError(Exception error) => writer.TryComplete(error);

        public void OnCompleted() => writer.TryComplete();
    }
}
