using System.Text;

namespace Orchestrator.Api.Selectors;

/// <summary>
/// A parsed field selector (Kubernetes <c>fields.Selector</c>), such as <c>spec.nodeName=node-1</c> or
/// <c>metadata.name=web,status.phase!=Running</c>: the AND of its terms, each comparing one field of an object with a value.
/// Immutable and thread-safe.
/// </summary>
/// <remarks>
/// Fields are read with <see cref="KubernetesObject.GetFieldValue"/>; every kind supports <c>metadata.name</c> and
/// <c>metadata.namespace</c> and may support more (a Pod supports <c>spec.nodeName</c> and <c>status.phase</c>).
/// In values, <c>\,</c>, <c>\=</c> and <c>\\</c> stand for a literal comma, equals sign and backslash.
/// </remarks>
public sealed class FieldSelector : IEquatable<FieldSelector>
{
    private readonly FieldRequirement[] _requirements;
    private readonly (string Field, string Value)[] _exactMatches;
    private readonly string _text;

    private FieldSelector(FieldRequirement[] requirements)
    {
        _requirements = requirements;
        _exactMatches = requirements.Where(r => r.Operator == SelectorOperator.Equal).Select(r => (r.Field, r.Value)).ToArray();
        _text = string.Join(",", requirements.Select(r => r.ToString()));
    }

    /// <summary>Matches every object; the empty string means this.</summary>
    public static FieldSelector Everything { get; } = new([]);

    /// <summary>The terms, in canonical (sorted) order.</summary>
    public IReadOnlyList<FieldRequirement> Requirements => _requirements;

    /// <summary>True when this selector has no terms and matches every object.</summary>
    public bool IsEverything => _requirements.Length == 0;

    /// <summary>The <c>field=value</c> terms, which a store can answer from an index (for example <c>spec.nodeName</c>).</summary>
    public IReadOnlyList<(string Field, string Value)> ExactMatches => _exactMatches;

    /// <summary>A selector with the single term <c>field=value</c> (Kubernetes <c>OneTermEqualSelector</c>).</summary>
    public static FieldSelector OneTermEqual(string field, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(field);
        ArgumentNullException.ThrowIfNull(value);
        return new([new FieldRequirement(field, SelectorOperator.Equal, value)]);
    }

    /// <summary>
    /// Parses comma-joined terms <c>field=value</c>, <c>field==value</c> or <c>field!=value</c>; whitespace around
    /// fields and values is ignored and an empty or blank string gives <see cref="Everything"/>. Unknown fields are only
    /// detected by <see cref="Validate"/> or <see cref="Matches"/>, since they depend on the kind.
    /// </summary>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is null.</exception>
    /// <exception cref="SelectorParseException">A term has no operator, no field, or an invalid escape sequence.</exception>
    public static FieldSelector Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var requirements = new List<FieldRequirement>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] == '\\')
            {
                if (i + 1 < text.Length) i++; // the escaped character never ends a term
                continue;
            }
            if (i < text.Length && text[i] != ',') continue;
            // Empty terms are skipped, as in Kubernetes ("a=b," and "a=b,,c=d" are accepted).
            if (!text.AsSpan(start, i - start).IsWhiteSpace()) requirements.Add(ParseTerm(text, start, i));
            start = i + 1;
        }
        if (requirements.Count == 0) return Everything;
        return new FieldSelector(requirements.OrderBy(r => r.ToString(), StringComparer.Ordinal).ToArray());
    }

    /// <summary>
    /// Checks that objects of <paramref name="kindType"/> support every field of this selector, so that an unsupported
    /// field fails before any object is listed. Uses a default instance of the kind.
    /// </summary>
    /// <exception cref="ArgumentException">A field is not supported by the kind; the message names the field and the kind.</exception>
    public void Validate(Type kindType)
    {
        ArgumentNullException.ThrowIfNull(kindType);
        if (_requirements.Length == 0) return;
        if (!typeof(KubernetesObject).IsAssignableFrom(kindType) || kindType.IsAbstract)
        {
            throw new ArgumentException($"{kindType.Name} is not an API kind.", nameof(kindType));
        }
        var sample = (KubernetesObject)Activator.CreateInstance(kindType)!;
        foreach (var requirement in _requirements)
        {
            if (GetFieldValue(sample, requirement.Field) is null) throw Unsupported(requirement.Field, sample.Kind);
        }
    }

    /// <summary>True when <paramref name="obj"/> satisfies every term. A missing optional field compares as the empty string.</summary>
    /// <exception cref="ArgumentException">The object's kind does not support a field of this selector.</exception>
    public bool Matches(KubernetesObject obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        foreach (var requirement in _requirements)
        {
            var value = GetFieldValue(obj, requirement.Field) ?? throw Unsupported(requirement.Field, obj.Kind);
            var equal = string.Equals(value, requirement.Value, StringComparison.Ordinal);
            if (equal != (requirement.Operator == SelectorOperator.Equal)) return false;
        }
        return true;
    }

    /// <summary>The canonical form: terms sorted, values escaped, <c>==</c> printed as <c>=</c>.</summary>
    public override string ToString() => _text;

    /// <inheritdoc/>
    public bool Equals(FieldSelector? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as FieldSelector);

    /// <inheritdoc/>
    public override int GetHashCode() => _text.GetHashCode(StringComparison.Ordinal);

    // Every kind supports the metadata fields, even on an object whose name is not set yet.
    private static string? GetFieldValue(KubernetesObject obj, string field) =>
        obj.GetFieldValue(field) ?? (field is "metadata.name" or "metadata.namespace" ? "" : null);

    private static ArgumentException Unsupported(string field, string kind) =>
        new($"field label not supported: \"{field}\" is not a field selector of {kind}; every kind supports \"metadata.name\" and \"metadata.namespace\"");

    private static FieldRequirement ParseTerm(string text, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }
            var op = c switch
            {
                '!' when i + 1 < end && text[i + 1] == '=' => (SelectorOperator?)SelectorOperator.NotEqual,
                '=' => SelectorOperator.Equal,
                _ => null,
            };
            if (op is null) continue;
            var operatorLength = c == '!' || i + 1 < end && text[i + 1] == '=' ? 2 : 1;
            var field = text[start..i].Trim();
            if (field.Length == 0) throw new SelectorParseException(text, i, "expected a field name before the operator");
            if (field.Contains('\\')) throw new SelectorParseException(text, start, $"field name \"{field}\" may not contain '\\'");
            var value = Unescape(text, SkipSpace(text, i + operatorLength, end), end);
            return new FieldRequirement(field, op.Value, value);
        }
        var term = text[start..end];
        throw new SelectorParseException(text, SkipSpace(text, start, end),
            $"found '{term.Trim()}', expected a term such as 'metadata.name=value' (operators '=', '==', '!=')");
    }

    private static int SkipSpace(string text, int pos, int end)
    {
        while (pos < end && char.IsWhiteSpace(text[pos])) pos++;
        return pos;
    }

    private static string Unescape(string text, int start, int end)
    {
        while (end > start && char.IsWhiteSpace(text[end - 1])) end--;
        var builder = new StringBuilder(end - start);
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c == '\\')
            {
                if (i + 1 >= end || text[i + 1] is not ('\\' or ',' or '='))
                {
                    throw new SelectorParseException(text, i, "invalid escape sequence; only '\\\\', '\\,' and '\\=' are allowed");
                }
                c = text[++i];
            }
            else if (c is '=' or ',')
            {
                throw new SelectorParseException(text, i, $"found '{c}' in a value; write it as '\\{c}'");
            }
            builder.Append(c);
        }
        return builder.ToString();
    }
}

/// <summary>One term of a <see cref="FieldSelector"/>: a field compared with a value.</summary>
/// <param name="Field">The field path, for example <c>spec.nodeName</c>.</param>
/// <param name="Operator"><see cref="SelectorOperator.Equal"/> or <see cref="SelectorOperator.NotEqual"/>.</param>
/// <param name="Value">The value compared with, unescaped.</param>
public sealed record FieldRequirement(string Field, SelectorOperator Operator, string Value)
{
    /// <summary>The term in selector syntax with the value escaped: <c>metadata.name=a\,b</c>.</summary>
    public override string ToString() =>
        Field + (Operator == SelectorOperator.NotEqual ? "!=" : "=") +
        Value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(",", "\\,", StringComparison.Ordinal).Replace("=", "\\=", StringComparison.Ordinal);
}
