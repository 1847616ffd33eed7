using System.Globalization;
using System.Text;
using Orchestrator.Api.Validation;

namespace Orchestrator.Api.Selectors;

/// <summary>How a <see cref="Requirement"/> relates a label to its values (Kubernetes <c>selection.Operator</c>).</summary>
public enum SelectorOperator
{
    /// <summary><c>key=value</c> or <c>key==value</c>: the label is present with exactly this value.</summary>
    Equal,

    /// <summary><c>key!=value</c>: the label is absent or has another value.</summary>
    NotEqual,

    /// <summary><c>key in (a,b)</c>: the label is present with one of the values.</summary>
    In,

    /// <summary><c>key notin (a,b)</c>: the label is absent or has none of the values.</summary>
    NotIn,

    /// <summary><c>key</c>: the label is present, with any value.</summary>
    Exists,

    /// <summary><c>!key</c>: the label is absent.</summary>
    DoesNotExist,

    /// <summary><c>key&gt;5</c>: the label is present, an integer, and greater than the value.</summary>
    GreaterThan,

    /// <summary><c>key&lt;5</c>: the label is present, an integer, and less than the value.</summary>
    LessThan,
}

/// <summary>
/// One condition of a <see cref="Selector"/> on one label key (Kubernetes <c>labels.Requirement</c>). Immutable and thread-safe.
/// </summary>
public sealed class Requirement : IEquatable<Requirement>
{
    private const int LinearSearchLimit = 8;

    private readonly string[] _values;
    private readonly HashSet<string>? _valueSet;
    private readonly long _number;

    /// <summary>
    /// Creates a requirement, validating it as Kubernetes' <c>NewRequirement</c> does. Values of <c>In</c> and
    /// <c>NotIn</c> are kept sorted and without duplicates.
    /// </summary>
    /// <exception cref="ArgumentException">
    /// The key is not a qualified name, a value is not a valid label value, or the number of values does not suit the
    /// operator (one for <c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&lt;</c>; at least one for <c>in</c>/<c>notin</c>; none for
    /// exists/does-not-exist); <c>&gt;</c> and <c>&lt;</c> need an integer.
    /// </exception>
    public Requirement(string key, SelectorOperator op, IEnumerable<string>? values = null)
        : this(key, op, values?.ToArray() ?? [], validate: true)
    {
    }

    internal Requirement(string key, SelectorOperator op, string[] values, bool validate)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (validate)
        {
            var error = Validate(key, op, values);
            if (error is not null) throw new ArgumentException(error, nameof(values));
        }
        Key = key;
        Operator = op;
        if (op is SelectorOperator.In or SelectorOperator.NotIn && values.Length > 1)
        {
            values = values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        }
        _values = values;
        if (values.Length > LinearSearchLimit) _valueSet = new HashSet<string>(values, StringComparer.Ordinal);
        if (op is SelectorOperator.GreaterThan or SelectorOperator.LessThan) _number = long.Parse(values[0], CultureInfo.InvariantCulture);
    }

    /// <summary>The label key.</summary>
    public string Key { get; }

    /// <summary>The operator.</summary>
    public SelectorOperator Operator { get; }

    /// <summary>The values: one for <c>=</c>, <c>!=</c>, <c>&gt;</c>, <c>&lt;</c>; sorted for <c>in</c>/<c>notin</c>; none otherwise.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>
    /// True when <paramref name="labels"/> satisfy this requirement. As in Kubernetes, <c>!=</c> and <c>notin</c>
    /// match objects that lack the key, while <c>=</c>, <c>in</c>, <c>&gt;</c> and <c>&lt;</c> require it. Does not allocate.
    /// </summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            SelectorOperator.Equal or SelectorOperator.In => has && Contains(value!),
            SelectorOperator.NotEqual or SelectorOperator.NotIn => !has || !Contains(value!),
            SelectorOperator.Exists => has,
            SelectorOperator.DoesNotExist => !has,
            SelectorOperator.GreaterThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n > _number,
            SelectorOperator.LessThan => has && long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) && n < _number,
            _ => false,
        };
    }

    /// <summary>The requirement in selector syntax: <c>app=web</c>, <c>tier in (be,fe)</c>, <c>!canary</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder();
        AppendTo(builder);
        return builder.ToString();
    }

    /// <inheritdoc/>
    public bool Equals(Requirement? other) =>
        other is not null && Key == other.Key && Operator == other.Operator && _values.AsSpan().SequenceEqual(other._values);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Requirement);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Key, Operator, _values.Length == 0 ? null : _values[0]);

    internal void AppendTo(StringBuilder builder)
    {
        if (Operator == SelectorOperator.DoesNotExist) builder.Append('!');
        builder.Append(Key);
        switch (Operator)
        {
            case SelectorOperator.Equal: builder.Append('=').Append(_values[0]); break;
            case SelectorOperator.NotEqual: builder.Append("!=").Append(_values[0]); break;
            case SelectorOperator.GreaterThan: builder.Append('>').Append(_values[0]); break;
            case SelectorOperator.LessThan: builder.Append('<').Append(_values[0]); break;
            case SelectorOperator.In: builder.Append(" in (").AppendJoin(',', _values).Append(')'); break;
            case SelectorOperator.NotIn: builder.Append(" notin (").AppendJoin(',', _values).Append(')'); break;
        }
    }

    /// <summary>Kubernetes' <c>NewRequirement</c> checks; null when valid, otherwise the reason.</summary>
    internal static string? Validate(string key, SelectorOperator op, IReadOnlyList<string> values)
    {
        if (NameRules.IsQualifiedName(key) is { } keyError) return $"invalid label key \"{key}\": {keyError}";
        switch (op)
        {
            case SelectorOperator.In or SelectorOperator.NotIn:
                if (values.Count == 0) return "for 'in', 'notin' operators, values set can't be empty";
                break;
            case SelectorOperator.Equal or SelectorOperator.NotEqual:
                if (values.Count != 1) return "exact-match compatibility requires one single value";
                break;
            case SelectorOperator.Exists or SelectorOperator.DoesNotExist:
                if (values.Count != 0) return "values set must be empty for exists and does not exist";
                break;
            case SelectorOperator.GreaterThan or SelectorOperator.LessThan:
                if (values.Count != 1) return "for 'Gt', 'Lt' operators, exactly one value is required";
                if (!long.TryParse(values[0], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
                {
                    return $"for 'Gt', 'Lt' operators, the value must be an integer, not \"{values[0]}\"";
                }
                return null;
            default:
                return $"operator '{op}' is not recognized";
        }
        foreach (var value in values)
        {
            if (NameRules.IsValidLabelValue(value) is { } valueError) return $"invalid label value \"{value}\": {valueError}";
        }
        return null;
    }

    private bool Contains(string value)
    {
        if (_valueSet is not null) return _valueSet.Contains(value);
        foreach (var candidate in _values)
        {
            if (string.Equals(candidate, value, StringComparison.Ordinal)) return true;
        }
        return false;
    }
}
