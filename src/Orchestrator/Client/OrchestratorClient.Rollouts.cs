using System.Collections.Immutable;
using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Store;

namespace Orchestrator.Client;

// Rollouts: Deployments through DeploymentRollouts; StatefulSets and DaemonSets for status and restart.
public sealed partial class OrchestratorClient
{
    /// <inheritdoc/>
    public async Task<RolloutStatus> GetRolloutStatusAsync<T>(string @namespace, string name, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        var ns = NamespaceOf<T>(@namespace)!;
        if (typeof(T) == typeof(Deployment)) return await _rollouts.GetStatusAsync(ns, name, cancellationToken).ConfigureAwait(false);
        if (typeof(T) != typeof(StatefulSet) && typeof(T) != typeof(DaemonSet)) throw NoRollout<T>();
        var obj = await Store.GetRequiredAsync<T>(ns, name, cancellationToken).ConfigureAwait(false);
        var kind = typeof(T) == typeof(StatefulSet) ? "statefulset" : "daemon set";
        var state = Readiness.Ready(obj);
        return state.Outcome == WaitOutcome.Satisfied
            ? new RolloutStatus(true, $"{kind} \"{name}\" successfully rolled out")
            : new RolloutStatus(false, $"Waiting for {kind} \"{name}\" rollout to finish: {state.Reason}...");
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<RolloutRevision>> GetRolloutHistoryAsync(string @namespace, string deployment, CancellationToken cancellationToken = default) =>
        _rollouts.GetHistoryAsync(NamespaceOf<Deployment>(@namespace)!, deployment, cancellationToken);

    /// <inheritdoc/>
    public async Task<long> UndoRolloutAsync(string @namespace, string deployment, long toRevision = 0, CancellationToken cancellationToken = default)
    {
        var ns = NamespaceOf<Deployment>(@namespace)!;
        var revision = await _rollouts.UndoAsync(ns, deployment, toRevision, cancellationToken).ConfigureAwait(false);
        ClientLog.Rollout(_logger, "Deployment", ns, deployment, $"rolled back to revision {revision}");
        return revision;
    }

    /// <inheritdoc/>
    public async Task<bool> PauseRolloutAsync(string @namespace, string deployment, CancellationToken cancellationToken = default)
    {
        var ns = NamespaceOf<Deployment>(@namespace)!;
        var changed = await _rollouts.PauseAsync(ns, deployment, cancellationToken).ConfigureAwait(false);
        if (changed) ClientLog.Rollout(_logger, "Deployment", ns, deployment, "paused");
        return changed;
    }

    /// <inheritdoc/>
    public async Task<bool> ResumeRolloutAsync(string @namespace, string deployment, CancellationToken cancellationToken = default)
    {
        var ns = NamespaceOf<Deployment>(@namespace)!;
        var changed = await _rollouts.ResumeAsync(ns, deployment, cancellationToken).ConfigureAwait(false);
        if (changed) ClientLog.Rollout(_logger, "Deployment", ns, deployment, "resumed");
        return changed;
    }

    /// <inheritdoc/>
    public async Task RestartRolloutAsync<T>(string @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject
    {
        var ns = NamespaceOf<T>(@namespace)!;
        if (typeof(T) == typeof(Deployment))
        {
            await _rollouts.RestartAsync(ns, name, cancellationToken).ConfigureAwait(false);
        }
        else if (typeof(T) == typeof(StatefulSet))
        {
            var stamp = RestartStamp();
            await Store.UpdateWithRetryAsync<StatefulSet>(ns, name,
                s => s with { Spec = s.Spec with { Template = Stamped(s.Spec.Template, stamp) } }, cancellationToken).ConfigureAwait(false);
        }
        else if (typeof(T) == typeof(DaemonSet))
        {
            var stamp = RestartStamp();
            await Store.UpdateWithRetryAsync<DaemonSet>(ns, name,
                d => d with { Spec = d.Spec with { Template = Stamped(d.Spec.Template, stamp) } }, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            throw NoRollout<T>();
        }
        ClientLog.Rollout(_logger, typeof(T).Name, ns, name, "restarted");
    }

    private string RestartStamp() => _time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ssK", CultureInfo.InvariantCulture);

    private static PodTemplateSpec Stamped(PodTemplateSpec template, string stamp) => template with
    {
        Metadata = template.Metadata with
        {
            Annotations = template.Metadata.Annotations.ToImmutableDictionary().SetItem(DeploymentRollouts.RestartedAtAnnotation, stamp),
        },
    };

    private static NotSupportedException NoRollout<T>() =>
        new($"{typeof(T).Name} has no rollout; use a Deployment, StatefulSet or DaemonSet.");
}
