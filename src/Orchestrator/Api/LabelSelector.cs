using System.Collections.Immutable;

namespace Orchestrator.Api;

/// <summary>
/// A label query over a set of objects (Kubernetes <c>metav1.LabelSelector</c>), as found in
/// <c>spec.selector</c> of Deployments, ReplicaSets and Jobs.
/// </summary>
/// <remarks>
/// The result is the AND of every <see cref="MatchLabels"/> pair and every <see cref="MatchExpressions"/> requirement.
/// An empty selector matches every object; a missing (null) selector matches none. Convert to a matcher with
/// <see cref="Selectors.Selector.FromLabelSelector"/>.
/// </remarks>
public sealed record LabelSelector
{
    /// <summary>Labels an object must have with exactly these values.</summary>
    public IReadOnlyDictionary<string, string> MatchLabels { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Set-based requirements an object's labels must all meet.</summary>
    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get; init; } = [];
}

/// <summary>One set-based requirement of a <see cref="LabelSelector"/> (Kubernetes <c>metav1.LabelSelectorRequirement</c>).</summary>
public sealed record LabelSelectorRequirement
{
    /// <summary>The label key the requirement applies to.</summary>
    public string Key { get; init; } = "";

    /// <summary>
    /// How the key relates to <see cref="Values"/>: one of <see cref="LabelSelectorOperator"/>'s constants
    /// (<c>In</c>, <c>NotIn</c>, <c>Exists</c>, <c>DoesNotExist</c>).
    /// </summary>
    public string Operator { get; init; } = "";

    /// <summary>The values for <c>In</c> and <c>NotIn</c> (non-empty); must be empty for <c>Exists</c> and <c>DoesNotExist</c>.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];
}

/// <summary>The operators of <see cref="LabelSelectorRequirement.Operator"/>.</summary>
public static class LabelSelectorOperator
{
    /// <summary>The label is present and its value is one of the values.</summary>
    public const string In = "In";

    /// <summary>The label is absent, or its value is none of the values.</summary>
    public const string NotIn = "NotIn";

    /// <summary>The label is present, with any value.</summary>
    public const string Exists = "Exists";

    /// <summary>The label is absent.</summary>
    public const string DoesNotExist = "DoesNotExist";

    /// <summary>Every operator, in Kubernetes' order.</summary>
    public static IReadOnlyList<string> All { get; } = [In, NotIn, Exists, DoesNotExist];
}
