using System.Globalization;
using System.Text;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Client;

/// <summary>
/// Builds the text a failed wait (and <see cref="IOrchestratorClient.DescribeAsync{T}"/>) shows: the object's status and
/// conditions, its pods that are not ready with their containers' waiting reasons, exit codes and last log lines, and
/// recent Warning events. Never throws for missing logs or events: it says what could not be read.
/// </summary>
internal sealed class Describer(OrchestratorClient client)
{
    private const string Indent = "  ";

    private OrchestratorClientOptions Options => client.Options;

    public async Task<string> DescribeAsync(ResourceKind kind, string @namespace, string name, KubernetesObject? obj, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        if (obj is null)
        {
            text.Append(CultureInfo.InvariantCulture, $"{kind.Kind} {WaitTimeoutException.Display(@namespace, name)} does not exist.");
            return text.ToString();
        }
        if (obj is Pod pod)
        {
            await DescribePodAsync(pod, text, "", allLogs: true, cancellationToken).ConfigureAwait(false);
            return text.ToString().TrimEnd();
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{kind.Kind} {WaitTimeoutException.Display(@namespace, name)}: {StatusLine(obj)}");
        foreach (var condition in Conditions(obj)) text.AppendLine(CultureInfo.InvariantCulture, $"{Indent}{condition}");

        var involved = new HashSet<string>(StringComparer.Ordinal) { name };
        if (SelectorOf(obj) is { } selector && kind.Namespaced)
        {
            var pods = (await client.Store.ListAsync<Pod>(new ListOptions { Namespace = @namespace }, cancellationToken).ConfigureAwait(false)).Items
                .Where(p => selector.Matches(p.Metadata.Labels))
                .ToList();
            var notReady = pods.Where(p => !p.IsReady()).ToList();
            text.AppendLine(CultureInfo.InvariantCulture, $"{Indent}{pods.Count} pods selected, {pods.Count - notReady.Count} ready.");
            foreach (var p in notReady.Take(Options.DiagnosticPods))
            {
                await DescribePodAsync(p, text, Indent, allLogs: false, cancellationToken).ConfigureAwait(false);
            }
            if (notReady.Count > Options.DiagnosticPods)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{Indent}({notReady.Count - Options.DiagnosticPods} more pods not ready)");
            }
        }
        if (obj is Deployment deployment)
        {
            // Pod creation failures are reported on the ReplicaSets.
            var replicaSets = await client.Store.ListAsync<ReplicaSet>(new ListOptions { Namespace = @namespace }, cancellationToken).ConfigureAwait(false);
            foreach (var rs in replicaSets.Items.Where(r => r.Metadata.OwnerReferences.Any(o => o.Uid == deployment.Metadata.Uid)))
            {
                involved.Add(rs.Metadata.Name!);
            }
        }
        await AppendEventsAsync(text, Indent, @namespace, e => involved.Contains(e.InvolvedObject.Name ?? "") && e.InvolvedObject.Kind != "Pod",
            cancellationToken).ConfigureAwait(false);
        return text.ToString().TrimEnd();
    }

    private async Task DescribePodAsync(Pod pod, StringBuilder text, string indent, bool allLogs, CancellationToken cancellationToken)
    {
        var status = pod.Status;
        var node = string.IsNullOrEmpty(pod.Spec.NodeName) ? "not scheduled" : $"node {pod.Spec.NodeName}";
        var ip = string.IsNullOrEmpty(status?.PodIP) ? "" : $", IP {status.PodIP}";
        var ready = status?.GetCondition(PodConditionType.Ready);
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{indent}Pod {WaitTimeoutException.Display(pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "")}: phase {status?.Phase ?? "Pending"}, {node}{ip}, " +
            $"Ready={ready?.Status ?? "Unknown"}{Readiness.Suffix(ready?.Reason, ready?.Message)}");
        var inner = indent + Indent;
        if (!string.IsNullOrEmpty(status?.Reason) || !string.IsNullOrEmpty(status?.Message))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{inner}Reason:{Readiness.Suffix(status.Reason, status.Message)}");
        }
        foreach (var condition in status?.Conditions ?? [])
        {
            if (condition.Status == ConditionStatus.True || condition.Type == PodConditionType.Ready) continue;
            text.AppendLine(CultureInfo.InvariantCulture, $"{inner}{condition.Type}={condition.Status}{Readiness.Suffix(condition.Reason, condition.Message)}");
        }
        foreach (var (container, init) in PodSummary.Statuses(pod))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{inner}{ContainerLine(container, init)}");
            var healthy = container.Ready || (init && container.State.Terminated is { ExitCode: 0 });
            if (allLogs || !healthy) await AppendLogsAsync(pod, container, text, inner + Indent, cancellationToken).ConfigureAwait(false);
        }
        await AppendEventsAsync(text, inner, pod.Metadata.Namespace ?? "",
            e => e.InvolvedObject.Kind == "Pod" && e.InvolvedObject.Name == pod.Metadata.Name &&
                (string.IsNullOrEmpty(e.InvolvedObject.Uid) || e.InvolvedObject.Uid == pod.Metadata.Uid),
            cancellationToken).ConfigureAwait(false);
    }

    private static string ContainerLine(ContainerStatus container, bool init)
    {
        var label = $"{(init ? "init container" : "container")} {container.Name} ({container.Image})";
        var state = container.State switch
        {
            { Waiting: { } w } => $"waiting{Readiness.Suffix(w.Reason, w.Message)}",
            { Terminated: { } t } => $"terminated with exit code {t.ExitCode}{Readiness.Suffix(t.Reason, t.Message)}",
            { Running: not null } => container.Ready ? "running, ready" : "running, not ready",
            _ => "state unknown",
        };
        return $"{label}: {state}{PodSummary.LastExit(container)}";
    }

    private async Task AppendLogsAsync(Pod pod, ContainerStatus container, StringBuilder text, string indent, CancellationToken cancellationToken)
    {
        if (Options.DiagnosticLogLines <= 0) return;
        bool previous;
        if (container.State.Running is not null || container.State.Terminated is not null) previous = false;
        else if (container.LastState?.Terminated is not null) previous = true;
        else return;

        var lines = new List<string>();
        string? problem = null;
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Options.DiagnosticLogTimeout);
        try
        {
            var options = new PodLogOptions { Container = container.Name, TailLines = Options.DiagnosticLogLines, Previous = previous };
            await foreach (var line in client.ReadLogsAsync(pod.Metadata.Namespace ?? "", pod.Metadata.Name ?? "", options, limit.Token).ConfigureAwait(false))
            {
                lines.Add(line);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            problem = $"reading them took longer than {Options.DiagnosticLogTimeout}";
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problem = e.Message;
        }
        var which = previous ? " of the previous instance" : "";
        if (problem is not null && lines.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}logs{which} unavailable: {problem}");
            return;
        }
        if (lines.Count == 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}no log lines{which}");
            return;
        }
        text.AppendLine(CultureInfo.InvariantCulture, $"{indent}last {lines.Count} log lines{which}:");
        foreach (var line in lines.TakeLast(Options.DiagnosticLogLines)) text.AppendLine(CultureInfo.InvariantCulture, $"{indent}| {line}");
    }

    private async Task AppendEventsAsync(StringBuilder text, string indent, string @namespace, Func<Event, bool> about, CancellationToken cancellationToken)
    {
        if (Options.DiagnosticEvents <= 0 || @namespace.Length == 0) return;
        IReadOnlyList<Event> events;
        try
        {
            events = (await client.Store.ListAsync<Event>(new ListOptions { Namespace = @namespace }, cancellationToken).ConfigureAwait(false)).Items;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}events unavailable: {e.Message}");
            return;
        }
        var warnings = events.Where(e => e.Type == EventType.Warning && about(e))
            .OrderBy(e => e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp ?? e.Metadata.CreationTimestamp)
            .TakeLast(Options.DiagnosticEvents)
            .ToList();
        if (warnings.Count == 0) return;
        text.AppendLine(CultureInfo.InvariantCulture, $"{indent}recent Warning events:");
        foreach (var e in warnings)
        {
            var when = e.LastTimestamp ?? e.EventTime ?? e.FirstTimestamp;
            var count = e.Count > 1 ? $" (x{e.Count})" : "";
            var at = when is { } w ? $" at {w.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}" : "";
            text.AppendLine(CultureInfo.InvariantCulture, $"{indent}{Indent}{e.InvolvedObject.Kind}/{e.InvolvedObject.Name} {e.Reason}{count}{at}: {e.Message}");
        }
    }

    private static string StatusLine(KubernetesObject obj) => obj switch
    {
        Deployment d => $"{d.Spec.Replicas} desired, {d.Status?.UpdatedReplicas ?? 0} updated, {d.Status?.Replicas ?? 0} total, " +
            $"{d.Status?.ReadyReplicas ?? 0} ready, {d.Status?.AvailableReplicas ?? 0} available (generation {d.Metadata.Generation}, " +
            $"observed {d.Status?.ObservedGeneration ?? 0}){(d.Spec.Paused ? ", paused" : "")}",
        ReplicaSet rs => $"{rs.Spec.Replicas} desired, {rs.Status?.Replicas ?? 0} current, {rs.Status?.ReadyReplicas ?? 0} ready, {rs.Status?.AvailableReplicas ?? 0} available",
        ReplicationController rc => $"{rc.Spec.Replicas} desired, {rc.Status?.Replicas ?? 0} current, {rc.Status?.ReadyReplicas ?? 0} ready, {rc.Status?.AvailableReplicas ?? 0} available",
        StatefulSet s => $"{s.Spec.Replicas} desired, {s.Status?.Replicas ?? 0} current, {s.Status?.ReadyReplicas ?? 0} ready, {s.Status?.UpdatedReplicas ?? 0} updated" +
            $" (revision {s.Status?.CurrentRevision ?? "-"}, update revision {s.Status?.UpdateRevision ?? "-"})",
        DaemonSet ds => $"{ds.Status?.DesiredNumberScheduled ?? 0} desired, {ds.Status?.CurrentNumberScheduled ?? 0} scheduled, {ds.Status?.NumberReady ?? 0} ready, " +
            $"{ds.Status?.UpdatedNumberScheduled ?? 0} updated, {ds.Status?.NumberAvailable ?? 0} available",
        Job j => $"{j.Status?.Active ?? 0} active, {j.Status?.Ready ?? 0} ready, {j.Status?.Succeeded ?? 0} succeeded, {j.Status?.Failed ?? 0} failed" +
            (j.Spec.Completions is { } c ? $" of {c} completions" : "") + (j.IsSuspended() ? ", suspended" : ""),
        Node n => n.IsReady() ? "Ready" : "not Ready",
        _ => Readiness.Ready(obj) is { Outcome: WaitOutcome.Pending } pending ? pending.Reason : "exists",
    };

    private static IEnumerable<string> Conditions(KubernetesObject obj)
    {
        IEnumerable<(string Type, string Status, string? Reason, string? Message)> conditions = obj switch
        {
            Deployment d => (d.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            ReplicaSet rs => (rs.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            ReplicationController rc => (rc.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            StatefulSet s => (s.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            DaemonSet ds => (ds.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            Job j => (j.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            Node n => (n.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            Namespace ns => (ns.Status?.Conditions ?? []).Select(c => (c.Type, c.Status, c.Reason, c.Message)),
            _ => [],
        };
        return conditions.Select(c => $"{c.Type}={c.Status}{Readiness.Suffix(c.Reason, c.Message)}");
    }

    /// <summary>The selector of the pods a workload (or Service) manages, or null.</summary>
    internal static Selector? SelectorOf(KubernetesObject obj) => obj switch
    {
        Deployment d => Selector.FromLabelSelector(d.Spec.Selector),
        ReplicaSet rs => Selector.FromLabelSelector(rs.Spec.Selector),
        StatefulSet s => Selector.FromLabelSelector(s.Spec.Selector),
        DaemonSet ds => Selector.FromLabelSelector(ds.Spec.Selector),
        Job j => Selector.FromLabelSelector(j.Spec.Selector),
        ReplicationController rc when rc.Spec.Selector.Count > 0 => Selector.FromLabels(rc.Spec.Selector),
        Service svc when svc.Spec.Selector.Count > 0 => Selector.FromLabels(svc.Spec.Selector),
        _ => null,
    };
}
