using System.Text;

namespace Orchestrator.Api.Selectors;

/// <summary>
/// A parsed label selector (Kubernetes <c>labels.Selector</c>): the AND of its <see cref="Requirements"/>.
/// Immutable and thread-safe; <see cref="Matches"/> does not allocate.
/// </summary>
/// <example>
/// <code>
/// var selector = Selector.Parse("app=web, tier in (fe,be), !canary");
/// selector.Matches(pod.Metadata.Labels);   // true for app=web,tier=fe
/// selector.ToString();                     // "app=web,!canary,tier in (be,fe)"
/// </code>
/// </example>
public sealed class Selector : IEquatable<Selector>
{
    private readonly Requirement[] _requirements;
    private readonly (string Key, string Value)[] _exactMatches;
    private readonly bool _nothing;
    private readonly string _text;

    private Selector(Requirement[] requirements, bool nothing)
    {
        // Sorted by key like Kubernetes; the sort is stable so requirements on one key keep their written order.
        _requirements = requirements.OrderBy(r => r.Key, StringComparer.Ordinal).ToArray();
        _nothing = nothing;
        _exactMatches = nothing
            ? []
            : _requirements
                .Where(r => r.Operator is SelectorOperator.Equal || r.Operator is SelectorOperator.In && r.Values.Count == 1)
                .Select(r => (r.Key, r.Values[0]))
                .ToArray();
        var builder = new StringBuilder();
        for (var i = 0; i < _requirements.Length; i++)
        {
            if (i > 0) builder.Append(',');
            _requirements[i].AppendTo(builder);
        }
        _text = builder.ToString();
    }

    /// <summary>Matches every object; the empty selector string and an empty <see cref="LabelSelector"/> mean this.</summary>
    public static Selector Everything { get; } = new([], nothing: false);

    /// <summary>Matches no object; a missing (null) <see cref="LabelSelector"/> means this.</summary>
    public static Selector Nothing { get; } = new([], nothing: true);

    /// <summary>The requirements, sorted by key; empty for <see cref="Everything"/> and <see cref="Nothing"/>.</summary>
    public IReadOnlyList<Requirement> Requirements => _requirements;

    /// <summary>True when this selector matches every object.</summary>
    public bool IsEverything => !_nothing && _requirements.Length == 0;

    /// <summary>True when this selector matches no object.</summary>
    public bool IsNothing => _nothing;

    /// <summary>
    /// The requirements a matching object must meet by having exactly this label value (<c>key=value</c>,
    /// <c>key==value</c>, and <c>key in (value)</c>): a store can narrow its candidates with a label index before calling
    /// <see cref="Matches"/>. Empty for <see cref="Nothing"/>.
    /// </summary>
    public IReadOnlyList<(string Key, string Value)> ExactMatches => _exactMatches;

    /// <summary>
    /// Parses the Kubernetes selector syntax: comma-joined requirements such as <c>app=web</c>, <c>app==web</c>,
    /// <c>app!=web</c>, <c>tier in (fe,be)</c>, <c>tier notin (x)</c>, <c>canary</c>, <c>!canary</c>, <c>gen&gt;3</c>.
    /// Whitespace between tokens is ignored; an empty or blank string gives <see cref="Everything"/>.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="SelectorParseException">The text is not a selector, or a key or value is invalid.</exception>
    public static Selector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var requirements = SelectorParser.Parse(text);
        return requirements.Count == 0 ? Everything : new Selector(requirements.ToArray(), nothing: false);
    }

    /// <summary>Parses like <see cref="Parse"/>; returns false and null instead of throwing.</summary>
    public static bool TryParse(string? text, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Selector? selector)
    {
        selector = null;
        if (text is null) return false;
        try
        {
            selector = Parse(text);
            return true;
        }
        catch (SelectorParseException)
        {
            return false;
        }
    }

    /// <summary>
    /// Converts an API <see cref="LabelSelector"/> as Kubernetes' <c>LabelSelectorAsSelector</c> does: null gives
    /// <see cref="Nothing"/>, an empty selector gives <see cref="Everything"/>, otherwise the AND of every
    /// <c>matchLabels</c> pair and <c>matchExpressions</c> requirement.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// A key, value or operator is invalid (API validation rejects such objects before they are stored).
    /// </exception>
    public static Selector FromLabelSelector(LabelSelector? selector)
    {
        if (selector is null) return Nothing;
        if (selector.MatchLabels.Count == 0 && selector.MatchExpressions.Count == 0) return Everything;
        var requirements = new List<Requirement>(selector.MatchLabels.Count + selector.MatchExpressions.Count);
        foreach (var (key, value) in selector.MatchLabels)
        {
            requirements.Add(new Requirement(key, SelectorOperator.Equal, [value]));
        }
        foreach (var expression in selector.MatchExpressions)
        {
            var op = expression.Operator switch
            {
                LabelSelectorOperator.In => SelectorOperator.In,
                LabelSelectorOperator.NotIn => SelectorOperator.NotIn,
                LabelSelectorOperator.Exists => SelectorOperator.Exists,
                LabelSelectorOperator.DoesNotExist => SelectorOperator.DoesNotExist,
                _ => throw new ArgumentException(
                    $"\"{expression.Operator}\" is not a valid label selector operator; supported: {string.Join(", ", LabelSelectorOperator.All)}",
                    nameof(selector)),
            };
            requirements.Add(new Requirement(expression.Key, op, expression.Values));
        }
        return new Selector(requirements.ToArray(), nothing: false);
    }

    /// <summary>
    /// An equality-only selector from a label map, as the selectors of ReplicationControllers and Services are
    /// (Kubernetes <c>SelectorFromValidatedSet</c>): every pair must match exactly. An empty map gives <see cref="Everything"/>.
    /// Keys and values are not validated; they come from already validated objects.
    /// </summary>
    public static Selector FromLabels(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0) return Everything;
        var requirements = new Requirement[labels.Count];
        var i = 0;
        foreach (var (key, value) in labels)
        {
            requirements[i++] = new Requirement(key, SelectorOperator.Equal, [value], validate: false);
        }
        return new Selector(requirements, nothing: false);
    }

    /// <summary>A selector with <paramref name="requirements"/> added (AND). <see cref="Nothing"/> stays <see cref="Nothing"/>.</summary>
    public Selector Add(params IEnumerable<Requirement> requirements)
    {
        ArgumentNullException.ThrowIfNull(requirements);
        if (_nothing) return this;
        var combined = _requirements.Concat(requirements).ToArray();
        return combined.Length == _requirements.Length ? this : new Selector(combined, nothing: false);
    }

    /// <summary>
    /// True when <paramref name="labels"/> meet every requirement. <c>!=</c> and <c>notin</c> match objects lacking the
    /// key, as in Kubernetes. Does not allocate.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (_nothing) return false;
        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(labels)) return false;
        }
        return true;
    }

    /// <summary>
    /// The canonical selector string, requirements sorted by key: <c>app=web,tier in (be,fe)</c>. <c>==</c> prints as
    /// <c>=</c>. Both <see cref="Everything"/> and <see cref="Nothing"/> print as the empty string, as in Kubernetes.
    /// </summary>
    public override string ToString() => _text;

    /// <summary>Two selectors are equal when they select the same way: same canonical form and same nothing-ness.</summary>
    public bool Equals(Selector? other) =>
        other is not null && _nothing == other._nothing && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Selector);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(_text, _nothing);
}
