using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Where a DaemonSet's pods belong (Kubernetes <c>NodeShouldRunDaemonPod</c> and the daemon pod helpers of
/// <c>daemon/util</c>): which nodes are eligible, the tolerations every daemon pod gets, and the node affinity that pins a
/// pod to its node so that the default scheduler places it there.
/// </summary>
internal static class DaemonSetPlacement
{
    /// <summary>Taint key of a node low on disk.</summary>
    public const string TaintDiskPressure = "node.kubernetes.io/disk-pressure";

    /// <summary>Taint key of a node low on memory.</summary>
    public const string TaintMemoryPressure = "node.kubernetes.io/memory-pressure";

    /// <summary>Taint key of a node low on process IDs.</summary>
    public const string TaintPidPressure = "node.kubernetes.io/pid-pressure";

    /// <summary>Taint key of a node whose network is not configured.</summary>
    public const string TaintNetworkUnavailable = "node.kubernetes.io/network-unavailable";

    /// <summary>
    /// The tolerations every daemon pod gets (Kubernetes <c>AddOrUpdateDaemonPodTolerations</c>): not-ready and unreachable
    /// (<c>NoExecute</c>, so the pod stays on a failing node), disk, memory and PID pressure and unschedulable
    /// (<c>NoSchedule</c>), and network-unavailable for host-network pods.
    /// </summary>
    public static IReadOnlyList<Toleration> DaemonTolerations(PodSpec spec)
    {
        var tolerations = new List<Toleration>
        {
            Exists(WellKnownLabels.TaintNodeNotReady, TaintEffect.NoExecute),
            Exists(WellKnownLabels.TaintNodeUnreachable, TaintEffect.NoExecute),
            Exists(TaintDiskPressure, TaintEffect.NoSchedule),
            Exists(TaintMemoryPressure, TaintEffect.NoSchedule),
            Exists(TaintPidPressure, TaintEffect.NoSchedule),
            Exists(WellKnownLabels.TaintNodeUnschedulable, TaintEffect.NoSchedule),
        };
        if (spec.HostNetwork) tolerations.Add(Exists(TaintNetworkUnavailable, TaintEffect.NoSchedule));
        return tolerations;
    }

    /// <summary>The spec with the daemon tolerations added (replacing the pod's own for the same key and effect).</summary>
    public static PodSpec WithDaemonTolerations(PodSpec spec)
    {
        var daemon = DaemonTolerations(spec);
        var own = spec.Tolerations.Where(t => !daemon.Any(d => d.Key == t.Key && d.Effect == t.Effect));
        return spec with { Tolerations = [.. own, .. daemon] };
    }

    /// <summary>
    /// Whether a daemon pod should be created on <paramref name="node"/>, and whether one that runs there may keep running
    /// (Kubernetes <c>NodeShouldRunDaemonPod</c>): the template's <c>nodeName</c> (if any), node selector and required node
    /// affinity must match; untolerated <c>NoSchedule</c> or <c>NoExecute</c> taints prevent new pods, and only untolerated
    /// <c>NoExecute</c> taints evict running ones. A node whose <c>Ready</c> condition is not <c>True</c> counts as tainted
    /// not-ready (or unreachable) <c>NoSchedule</c>, as the node lifecycle controller would taint it and as the scheduler
    /// treats it.
    /// </summary>
    /// <param name="node">The node.</param>
    /// <param name="spec">The DaemonSet's pod spec with the daemon tolerations (<see cref="WithDaemonTolerations"/>).</param>
    public static (bool ShouldRun, bool ShouldContinueRunning) ShouldRun(Node node, PodSpec spec)
    {
        var name = node.Metadata.Name ?? "";
        if (!string.IsNullOrEmpty(spec.NodeName) && spec.NodeName != name) return (false, false);
        if (!MatchesNodeSelector(spec, node)) return (false, false);
        var taints = EffectiveTaints(node);
        var fits = !taints.Any(t => t.Effect is TaintEffect.NoSchedule or TaintEffect.NoExecute && !Tolerated(t, spec.Tolerations));
        if (fits) return (true, true);
        var evicted = taints.Any(t => t.Effect == TaintEffect.NoExecute && !Tolerated(t, spec.Tolerations));
        return (false, !evicted);
    }

    /// <summary>The node's taints plus the not-ready or unreachable taint its <c>Ready</c> condition implies.</summary>
    public static IReadOnlyList<Taint> EffectiveTaints(Node node)
    {
        var ready = node.Status?.GetCondition(NodeConditionType.Ready)?.Status;
        if (ready == ConditionStatus.True) return node.Spec.Taints;
        var key = ready == ConditionStatus.Unknown ? WellKnownLabels.TaintNodeUnreachable : WellKnownLabels.TaintNodeNotReady;
        if (node.Spec.Taints.Any(t => t.Key == key && t.Effect == TaintEffect.NoSchedule)) return node.Spec.Taints;
        return [.. node.Spec.Taints, new Taint { Key = key, Effect = TaintEffect.NoSchedule }];
    }

    /// <summary>
    /// The affinity with its required node affinity replaced by <c>metadata.name In [node]</c> (Kubernetes
    /// <c>ReplaceDaemonSetPodNodeNameNodeAffinity</c>): the controller has checked the label requirements already, and the
    /// scheduler now can only place the pod on that node.
    /// </summary>
    public static Affinity PinToNode(Affinity? affinity, string node)
    {
        var selector = new NodeSelector
        {
            NodeSelectorTerms =
            [
                new NodeSelectorTerm
                {
                    MatchFields = [new NodeSelectorRequirement { Key = "metadata.name", Operator = NodeSelectorOperator.In, Values = [node] }],
                },
            ],
        };
        var nodeAffinity = (affinity?.NodeAffinity ?? new NodeAffinity()) with { RequiredDuringSchedulingIgnoredDuringExecution = selector };
        return (affinity ?? new Affinity()) with { NodeAffinity = nodeAffinity };
    }

    /// <summary>The node a daemon pod is for: <c>spec.nodeName</c>, else the node its affinity pins it to; null when neither.</summary>
    public static string? TargetNode(Pod pod)
    {
        if (!string.IsNullOrEmpty(pod.Spec.NodeName)) return pod.Spec.NodeName;
        var terms = pod.Spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution?.NodeSelectorTerms ?? [];
        foreach (var term in terms)
        {
            foreach (var field in term.MatchFields)
            {
                if (field is { Key: "metadata.name", Operator: NodeSelectorOperator.In, Values.Count: 1 }) return field.Values[0];
            }
        }
        return null;
    }

    /// <summary>True when the node has every <c>nodeSelector</c> label and matches a required node affinity term (if any).</summary>
    public static bool MatchesNodeSelector(PodSpec spec, Node node)
    {
        var labels = node.Metadata.Labels;
        foreach (var (key, value) in spec.NodeSelector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        if (spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution is not { } required) return true;
        return required.NodeSelectorTerms.Any(term => Matches(term, node));
    }

    /// <summary>True when the node meets every requirement of a term that has at least one (an empty term matches nothing).</summary>
    public static bool Matches(NodeSelectorTerm term, Node node)
    {
        if (term.MatchExpressions.Count == 0 && term.MatchFields.Count == 0) return false;
        foreach (var requirement in term.MatchExpressions)
        {
            var has = node.Metadata.Labels.TryGetValue(requirement.Key, out var value);
            if (!Matches(requirement, has, value)) return false;
        }
        foreach (var requirement in term.MatchFields)
        {
            if (requirement.Key != "metadata.name" || requirement.Operator is not (NodeSelectorOperator.In or NodeSelectorOperator.NotIn)) return false;
            if (!Matches(requirement, true, node.Metadata.Name)) return false;
        }
        return true;
    }

    private static bool Matches(NodeSelectorRequirement requirement, bool has, string? value) => requirement.Operator switch
    {
        NodeSelectorOperator.In => has && requirement.Values.Contains(value),
        NodeSelectorOperator.NotIn => !has || !requirement.Values.Contains(value),
        NodeSelectorOperator.Exists => has,
        NodeSelectorOperator.DoesNotExist => !has,
        NodeSelectorOperator.Gt or NodeSelectorOperator.Lt => has && requirement.Values.Count == 1 &&
            long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual) &&
            long.TryParse(requirement.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound) &&
            (requirement.Operator == NodeSelectorOperator.Gt ? actual > bound : actual < bound),
        _ => false,
    };

    private static bool Tolerated(Taint taint, IReadOnlyList<Toleration> tolerations) => tolerations.Any(t => t.Tolerates(taint));

    private static Toleration Exists(string key, string effect) => new() { Key = key, Operator = TolerationOperator.Exists, Effect = effect };
}
