namespace Orchestrator.Api;

/// <summary>Scheduling constraints relative to nodes and to other pods (Kubernetes <c>Affinity</c>).</summary>
public sealed record Affinity
{
    /// <summary>Constraints on the labels and fields of the node.</summary>
    public NodeAffinity? NodeAffinity { get; init; }

    /// <summary>Place the pod in the same topology domain as matching pods.</summary>
    public PodAffinity? PodAffinity { get; init; }

    /// <summary>Keep the pod out of topology domains that run matching pods.</summary>
    public PodAntiAffinity? PodAntiAffinity { get; init; }
}

/// <summary>Node affinity (Kubernetes <c>NodeAffinity</c>).</summary>
public sealed record NodeAffinity
{
    /// <summary>The node must match; not re-checked once the pod runs.</summary>
    public NodeSelector? RequiredDuringSchedulingIgnoredDuringExecution { get; init; }

    /// <summary>Nodes matching a preference score its weight.</summary>
    public IReadOnlyList<PreferredSchedulingTerm> PreferredDuringSchedulingIgnoredDuringExecution { get; init; } = [];
}

/// <summary>A union of node selector terms (Kubernetes <c>NodeSelector</c>): a node matches if any term matches.</summary>
public sealed record NodeSelector
{
    /// <summary>The terms, ORed; must not be empty.</summary>
    public IReadOnlyList<NodeSelectorTerm> NodeSelectorTerms { get; init; } = [];
}

/// <summary>One node selector term (Kubernetes <c>NodeSelectorTerm</c>): every requirement must match; an empty term matches nothing.</summary>
public sealed record NodeSelectorTerm
{
    /// <summary>Requirements on node labels, ANDed.</summary>
    public IReadOnlyList<NodeSelectorRequirement> MatchExpressions { get; init; } = [];

    /// <summary>Requirements on node fields (only <c>metadata.name</c>), ANDed.</summary>
    public IReadOnlyList<NodeSelectorRequirement> MatchFields { get; init; } = [];
}

/// <summary>A requirement on a node label or field (Kubernetes <c>NodeSelectorRequirement</c>).</summary>
public sealed record NodeSelectorRequirement
{
    /// <summary>The label key or field path.</summary>
    public string Key { get; init; } = "";

    /// <summary><c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>, <c>Gt</c> or <c>Lt</c>; see <see cref="NodeSelectorOperator"/>.</summary>
    public string Operator { get; init; } = "";

    /// <summary>The values; empty for <c>Exists</c>/<c>DoesNotExist</c>, one integer for <c>Gt</c>/<c>Lt</c>.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];
}

/// <summary>A weighted node preference (Kubernetes <c>PreferredSchedulingTerm</c>).</summary>
public sealed record PreferredSchedulingTerm
{
    /// <summary>The score added for a matching node, 1-100.</summary>
    public int Weight { get; init; }

    /// <summary>The preference.</summary>
    public NodeSelectorTerm Preference { get; init; } = new();
}

/// <summary>Inter-pod affinity (Kubernetes <c>PodAffinity</c>).</summary>
public sealed record PodAffinity
{
    /// <summary>Terms that must all hold at scheduling time.</summary>
    public IReadOnlyList<PodAffinityTerm> RequiredDuringSchedulingIgnoredDuringExecution { get; init; } = [];

    /// <summary>Terms that score nodes by weight.</summary>
    public IReadOnlyList<WeightedPodAffinityTerm> PreferredDuringSchedulingIgnoredDuringExecution { get; init; } = [];
}

/// <summary>Inter-pod anti-affinity (Kubernetes <c>PodAntiAffinity</c>).</summary>
public sealed record PodAntiAffinity
{
    /// <summary>Terms that must all hold at scheduling time.</summary>
    public IReadOnlyList<PodAffinityTerm> RequiredDuringSchedulingIgnoredDuringExecution { get; init; } = [];

    /// <summary>Terms that score nodes by weight.</summary>
    public IReadOnlyList<WeightedPodAffinityTerm> PreferredDuringSchedulingIgnoredDuringExecution { get; init; } = [];
}

/// <summary>
/// Pods selected by <see cref="LabelSelector"/> in <see cref="Namespaces"/> (Kubernetes <c>PodAffinityTerm</c>),
/// co-located (or not) within the domain given by the node label <see cref="TopologyKey"/>.
/// </summary>
public sealed record PodAffinityTerm
{
    /// <summary>Selects the pods; null selects none.</summary>
    public LabelSelector? LabelSelector { get; init; }

    /// <summary>Namespaces to look in; with no <see cref="NamespaceSelector"/>, empty means the pod's own namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>The node label that defines a topology domain, for example <c>kubernetes.io/hostname</c>; required.</summary>
    public string TopologyKey { get; init; } = "";

    /// <summary>Selects namespaces by label, in addition to <see cref="Namespaces"/>; an empty selector selects all.</summary>
    public LabelSelector? NamespaceSelector { get; init; }
}

/// <summary>A weighted pod affinity term (Kubernetes <c>WeightedPodAffinityTerm</c>).</summary>
public sealed record WeightedPodAffinityTerm
{
    /// <summary>The score for a matching node, 1-100.</summary>
    public int Weight { get; init; }

    /// <summary>The term.</summary>
    public PodAffinityTerm PodAffinityTerm { get; init; } = new();
}

/// <summary>Lets a pod run on nodes with a matching taint (Kubernetes <c>Toleration</c>).</summary>
public sealed record Toleration
{
    /// <summary>The taint key; empty with <c>Exists</c> tolerates every taint.</summary>
    public string? Key { get; init; }

    /// <summary><c>Equal</c> (the default when empty) or <c>Exists</c>; see <see cref="TolerationOperator"/>.</summary>
    public string? Operator { get; init; }

    /// <summary>The taint value, for <c>Equal</c>.</summary>
    public string? Value { get; init; }

    /// <summary>The taint effect tolerated; empty tolerates every effect.</summary>
    public string? Effect { get; init; }

    /// <summary>For <c>NoExecute</c>: how long the pod stays bound after the taint appears; null means forever.</summary>
    public long? TolerationSeconds { get; init; }

    /// <summary>True when this toleration tolerates <paramref name="taint"/>, by Kubernetes' matching rules.</summary>
    public bool Tolerates(Taint taint)
    {
        if (!string.IsNullOrEmpty(Effect) && Effect != taint.Effect) return false;
        if (!string.IsNullOrEmpty(Key) && Key != taint.Key) return false;
        return Operator switch
        {
            TolerationOperator.Exists => true,
            null or "" or TolerationOperator.Equal => (Value ?? "") == (taint.Value ?? ""),
            _ => false,
        };
    }
}
