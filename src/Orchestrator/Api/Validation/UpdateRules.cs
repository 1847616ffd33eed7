namespace Orchestrator.Api.Validation;

/// <summary>
/// The rules of an update that compare the new object with the stored one (Kubernetes' <c>Validate*Update</c>): fields
/// that may not change once set. They come on top of the rules every stored object meets (<see cref="ObjectValidator"/>).
/// </summary>
internal static class UpdateRules
{
    /// <summary>The reason Kubernetes gives for a change to the data of an immutable ConfigMap or Secret.</summary>
    public const string ImmutableWhenSet = "field is immutable when `immutable` is set";

    private static readonly Dictionary<Type, Action<KubernetesObject, KubernetesObject, ValidationErrors>> KindRules = new()
    {
        [typeof(ConfigMap)] = (o, s, e) => ValidateConfigMapUpdate((ConfigMap)o, (ConfigMap)s, e),
        [typeof(Secret)] = (o, s, e) => ValidateSecretUpdate((Secret)o, (Secret)s, e),
    };

    /// <summary>Throws <see cref="ValidationException"/> when <paramref name="updated"/> changes what <paramref name="stored"/> fixed.</summary>
    /// <param name="updated">The object as it would be stored (defaulted: a Secret's <c>stringData</c> already merged into <c>data</c>).</param>
    /// <param name="stored">The object currently stored, of the same kind.</param>
    public static void EnsureValid(KubernetesObject updated, KubernetesObject stored)
    {
        if (!KindRules.TryGetValue(updated.GetType(), out var validate) || stored.GetType() != updated.GetType()) return;
        var errors = new ValidationErrors();
        validate(updated, stored, errors);
        if (!errors.IsValid) throw new ValidationException(updated.Kind, updated.Metadata.Name, errors.Errors);
    }

    /// <summary>An immutable ConfigMap keeps its <c>data</c>, <c>binaryData</c> and <c>immutable: true</c>; metadata may change.</summary>
    private static void ValidateConfigMapUpdate(ConfigMap updated, ConfigMap stored, ValidationErrors errors)
    {
        if (stored.Immutable != true) return;
        if (updated.Immutable != true) errors.Add("immutable", "Forbidden: " + ImmutableWhenSet);
        if (!SameEntries(updated.Data, stored.Data, string.Equals)) errors.Add("data", "Forbidden: " + ImmutableWhenSet);
        if (!SameEntries(updated.BinaryData, stored.BinaryData, SameBytes)) errors.Add("binaryData", "Forbidden: " + ImmutableWhenSet);
    }

    /// <summary>
    /// A Secret keeps its <c>type</c>; an immutable one also its <c>data</c> (which includes <c>stringData</c>, merged
    /// into it before validation) and <c>immutable: true</c>. Values never appear in the errors.
    /// </summary>
    private static void ValidateSecretUpdate(Secret updated, Secret stored, ValidationErrors errors)
    {
        if (updated.Type != stored.Type) errors.Add("type", $"Invalid value: \"{updated.Type}\": field is immutable");
        if (stored.Immutable != true) return;
        if (updated.Immutable != true) errors.Add("immutable", "Forbidden: " + ImmutableWhenSet);
        if (!SameEntries(updated.Data, stored.Data, SameBytes)) errors.Add("data", "Forbidden: " + ImmutableWhenSet);
    }

    private static bool SameBytes(byte[]? a, byte[]? b) => a.AsSpan().SequenceEqual(b);

    private static bool SameEntries<T>(IReadOnlyDictionary<string, T> a, IReadOnlyDictionary<string, T> b, Func<T, T, bool> equal)
    {
        if (ReferenceEquals(a, b)) return true;
        if (a.Count != b.Count) return false;
        foreach (var (key, value) in a)
        {
            if (!b.TryGetValue(key, out var other) || !equal(value, other)) return false;
        }
        return true;
    }
}
