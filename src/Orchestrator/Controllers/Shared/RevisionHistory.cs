using System.Text.Json;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// Reads and writes the ControllerRevisions of a StatefulSet or DaemonSet (Kubernetes <c>history.Interface</c> with the
/// revision logic of <c>getStatefulSetRevisions</c>/<c>constructHistory</c>).
/// </summary>
internal sealed class RevisionHistory(IObjectStore store, ILister<ControllerRevision> revisions)
{
    /// <summary>The revisions controlled by <paramref name="owner"/>, oldest first.</summary>
    public List<ControllerRevision> Owned(KubernetesObject owner) =>
        TemplateRevisions.Sorted(revisions.ByIndex(IndexNames.OwnerUid, owner.Metadata.Uid ?? "")
            .Where(r => ControllerRefs.IsControlledBy(r, owner.Metadata.Uid)));

    /// <summary>
    /// Returns the revision of <paramref name="template"/>, making it the newest: an equal revision that is already the
    /// newest is returned as is; an equal older one (a rollback) gets the next revision number; otherwise a new one is
    /// created, bumping the collision count while a different revision holds the name.
    /// </summary>
    /// <param name="owner">The StatefulSet or DaemonSet.</param>
    /// <param name="template">Its current pod template.</param>
    /// <param name="owned">Its revisions, oldest first (<see cref="Owned"/>).</param>
    /// <param name="collisionCount">Its <c>status.collisionCount</c>.</param>
    /// <param name="cancellationToken">Cancels the writes.</param>
    /// <returns>The revision and the collision count to write back to the owner's status.</returns>
    public async Task<(ControllerRevision Revision, int? CollisionCount)> EnsureAsync(KubernetesObject owner, PodTemplateSpec template,
        IReadOnlyList<ControllerRevision> owned, int? collisionCount, CancellationToken cancellationToken)
    {
        var data = TemplateRevisions.DataOf(template);
        var next = owned.Count == 0 ? 1 : owned[^1].Revision + 1;
        var equal = owned.LastOrDefault(r => TemplateRevisions.DataEquals(r, data));
        if (equal is not null)
        {
            if (ReferenceEquals(equal, owned[^1])) return (equal, collisionCount);
            var bumped = await store.UpdateWithRetryAsync<ControllerRevision>(equal.Metadata.Namespace, equal.Metadata.Name!,
                r => r.Revision >= next ? null : r with { Revision = next }, cancellationToken).ConfigureAwait(false);
            return (bumped, collisionCount);
        }

        var count = collisionCount;
        while (true)
        {
            var revision = TemplateRevisions.New(owner, template, data, next, count);
            try
            {
                var created = await store.CreateAsync<ControllerRevision>(revision, cancellationToken).ConfigureAwait(false);
                return (created, count);
            }
            catch (AlreadyExistsException)
            {
                var existing = await store.GetAsync<ControllerRevision>(revision.Metadata.Namespace, revision.Metadata.Name!, cancellationToken)
                    .ConfigureAwait(false);
                if (existing is not null && TemplateRevisions.DataEquals(existing, data) &&
                    ControllerRefs.IsControlledBy(existing, owner.Metadata.Uid))
                {
                    return (existing, count);
                }
                count = (count ?? 0) + 1;
            }
        }
    }

    /// <summary>
    /// Deletes the oldest revisions not in <paramref name="live"/> beyond <paramref name="historyLimit"/> (Kubernetes'
    /// <c>truncateHistory</c>). Revisions already gone are ignored.
    /// </summary>
    public async Task TruncateAsync(IReadOnlyList<ControllerRevision> owned, ISet<string> live, int historyLimit, CancellationToken cancellationToken)
    {
        var history = owned.Where(r => !live.Contains(r.Metadata.Name ?? "")).ToList();
        var excess = history.Count - Math.Max(0, historyLimit);
        for (var i = 0; i < excess; i++)
        {
            try
            {
                await store.DeleteAsync<ControllerRevision>(history[i].Metadata.Namespace, history[i].Metadata.Name!,
                    new DeleteOptions { PreconditionUid = history[i].Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            }
            catch (NotFoundException)
            {
            }
            catch (ConflictException)
            {
            }
        }
    }

    /// <summary>The template a revision holds; throws when the data cannot be read (a revision not written by this controller).</summary>
    public static PodTemplateSpec TemplateOf(ControllerRevision revision) =>
        TemplateRevisions.TemplateOf(revision)
        ?? throw new InvalidOperationException($"ControllerRevision {revision.Metadata.Namespace}/{revision.Metadata.Name} holds no pod template.");

    /// <summary>The revision data of <paramref name="template"/>; see <see cref="TemplateRevisions.DataOf"/>.</summary>
    public static JsonElement DataOf(PodTemplateSpec template) => TemplateRevisions.DataOf(template);
}
