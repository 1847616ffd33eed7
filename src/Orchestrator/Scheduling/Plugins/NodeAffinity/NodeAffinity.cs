using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Filters out nodes that do not match the pod's <c>spec.nodeSelector</c> and required node affinity, and scores nodes
/// by the summed weights of the preferred node affinity terms they match.
/// </summary>
/// <remarks>
/// Node selector terms are ORed; the requirements of one term are ANDed; a term without requirements matches no node.
/// <c>matchFields</c> supports <c>metadata.name</c>. <c>Gt</c> and <c>Lt</c> compare the label value and the single
/// requirement value as integers.
/// </remarks>
internal sealed class NodeAffinity : IFilterPlugin, IScorePlugin
{
    /// <summary>The reason for a node that does not match.</summary>
    public const string ErrReason = "node(s) didn't match Pod's node affinity/selector";

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeAffinity;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod.Pod, node.Node) ? FilterResult.Success : FilterResult.Unschedulable(ErrReason);

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => PreferredWeight(pod.Pod, node.Node);

    /// <inheritdoc/>
    public void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores) =>
        ScoreNormalization.Default(scores, reverse: false);

    /// <summary>True when <paramref name="node"/> has every <c>nodeSelector</c> label and matches a required term.</summary>
    public static bool Fits(Pod pod, Node node)
    {
        var labels = node.Metadata.Labels;
        foreach (var (key, value) in pod.Spec.NodeSelector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        var required = pod.Spec.Affinity?.NodeAffinity?.RequiredDuringSchedulingIgnoredDuringExecution;
        if (required is null) return true;
        foreach (var term in required.NodeSelectorTerms)
        {
            if (Matches(term, node)) return true;
        }
        return false;
    }

    /// <summary>The sum of the weights of the pod's preferred node affinity terms that <paramref name="node"/> matches.</summary>
    public static long PreferredWeight(Pod pod, Node node)
    {
        var preferred = pod.Spec.Affinity?.NodeAffinity?.PreferredDuringSchedulingIgnoredDuringExecution;
        if (preferred is null) return 0;
        long sum = 0;
        foreach (var term in preferred)
        {
            if (term.Weight != 0 && Matches(term.Preference, node)) sum += term.Weight;
        }
        return sum;
    }

    /// <summary>True when <paramref name="node"/> meets every requirement of a term that has at least one.</summary>
    public static bool Matches(NodeSelectorTerm term, Node node)
    {
        if (term.MatchExpressions.Count == 0 && term.MatchFields.Count == 0) return false;
        var labels = node.Metadata.Labels;
        foreach (var requirement in term.MatchExpressions)
        {
            var has = labels.TryGetValue(requirement.Key, out var value);
            if (!Matches(requirement, has, value)) return false;
        }
        foreach (var requirement in term.MatchFields)
        {
            if (requirement.Key != "metadata.name") return false;
            if (requirement.Operator is not (NodeSelectorOperator.In or NodeSelectorOperator.NotIn)) return false;
            if (!Matches(requirement, true, node.Metadata.Name)) return false;
        }
        return true;
    }

    private static bool Matches(NodeSelectorRequirement requirement, bool has, string? value)
    {
        switch (requirement.Operator)
        {
            case NodeSelectorOperator.In:
                return has && Contains(requirement.Values, value!);
            case NodeSelectorOperator.NotIn:
                return !has || !Contains(requirement.Values, value!);
            case NodeSelectorOperator.Exists:
                return has;
            case NodeSelectorOperator.DoesNotExist:
                return !has;
            case NodeSelectorOperator.Gt:
            case NodeSelectorOperator.Lt:
                if (!has || requirement.Values.Count != 1) return false;
                if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var actual)) return false;
                if (!long.TryParse(requirement.Values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var bound)) return false;
                return requirement.Operator == NodeSelectorOperator.Gt ? actual > bound : actual < bound;
            default:
                return false;
        }
    }

    private static bool Contains(IReadOnlyList<string> values, string value)
    {
        foreach (var candidate in values)
        {
            if (candidate == value) return true;
        }
        return false;
    }
}
