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
internal sealed class NodeAffinity : IPreFilterPlugin, IFilterPlugin, IPreScorePlugin, IScorePlugin
{
    /// <summary>The reason for a node that does not match.</summary>
    public const string ErrReason = "node(s) didn't match Pod's node affinity/selector";

    private static readonly FilterResult Rejected = FilterResult.Unschedulable(ErrReason);

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.NodeAffinity;

    /// <inheritdoc/>
    public FilterResult PreFilter(SchedulingContext context, PodInfo pod) =>
        pod.NodeSelector.Length == 0 && pod.RequiredNodeAffinity is null ? FilterResult.Skip : FilterResult.Success;

    /// <inheritdoc/>
    public bool PreScore(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> feasibleNodes) =>
        pod.PreferredNodeAffinity.Length > 0;

    /// <inheritdoc/>
    public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        Fits(pod, node) ? FilterResult.Success : Rejected;

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) => PreferredWeight(pod, node);

    /// <inheritdoc/>
    public void NormalizeScores(SchedulingContext context, PodInfo pod, IReadOnlyList<NodeInfo> nodes, Span<long> scores) =>
        ScoreNormalization.Default(scores, reverse: false);

    /// <summary>True when <paramref name="node"/> has every <c>nodeSelector</c> label and matches a required term.</summary>
    public static bool Fits(PodInfo pod, NodeInfo node)
    {
        var labels = node.LabelMap;
        foreach (var (key, value) in pod.NodeSelector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        if (pod.RequiredNodeAffinity is not { } terms) return true;
        foreach (var term in terms)
        {
            if (Matches(term, node)) return true;
        }
        return false;
    }

    /// <summary>The sum of the weights of the pod's preferred node affinity terms that <paramref name="node"/> matches.</summary>
    public static long PreferredWeight(PodInfo pod, NodeInfo node)
    {
        long sum = 0;
        foreach (var term in pod.PreferredNodeAffinity)
        {
            if (term.Weight != 0 && Matches(term.Preference, node)) sum += term.Weight;
        }
        return sum;
    }

    /// <summary>True when <paramref name="node"/> meets every requirement of a term that has at least one.</summary>
    public static bool Matches(NodeSelectorTerm term, NodeInfo node)
    {
        var expressions = term.MatchExpressions;
        var fields = term.MatchFields;
        if (expressions.Count == 0 && fields.Count == 0) return false;
        var labels = node.LabelMap;
        for (var i = 0; i < expressions.Count; i++)
        {
            var requirement = expressions[i];
            var has = labels.TryGetValue(requirement.Key, out var value);
            if (!Matches(requirement, has, value)) return false;
        }
        for (var i = 0; i < fields.Count; i++)
        {
            var requirement = fields[i];
            if (requirement.Key != "metadata.name") return false;
            if (requirement.Operator is not (NodeSelectorOperator.In or NodeSelectorOperator.NotIn)) return false;
            if (!Matches(requirement, true, node.Name)) return false;
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
        for (var i = 0; i < values.Count; i++)
        {
            if (values[i] == value) return true;
        }
        return false;
    }
}
