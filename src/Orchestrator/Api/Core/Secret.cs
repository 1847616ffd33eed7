using System.Collections.Immutable;
using System.Text;

namespace Orchestrator.Api;

/// <summary>Sensitive key/value data such as passwords or tokens (Kubernetes core/v1 <c>Secret</c>).</summary>
/// <remarks>
/// <see cref="ToString"/> lists the keys but never the values, so a secret that reaches a log or an
/// exception message does not leak its data. Values are base64 in JSON, as in Kubernetes.
/// </remarks>
public sealed record Secret : KubernetesObject
{
    /// <summary>Creates an empty <c>v1</c> Secret.</summary>
    public Secret() : base("v1", "Secret")
    {
    }

    /// <summary>The kind of secret, which fixes the keys it must have; defaults to <c>Opaque</c>; see <see cref="SecretType"/>.</summary>
    public string Type { get; init; } = SecretType.Opaque;

    /// <summary>The values by key; base64 in JSON.</summary>
    public IReadOnlyDictionary<string, byte[]> Data { get; init; } = ImmutableDictionary<string, byte[]>.Empty;

    /// <summary>
    /// Write-only plain-text values: on create and update the defaulter merges them into <see cref="Data"/>
    /// (overriding keys of the same name) and clears this field, as the Kubernetes API server does.
    /// </summary>
    public IReadOnlyDictionary<string, string> StringData { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>When true, the data can no longer be changed (only the object deleted).</summary>
    public bool? Immutable { get; init; }

    /// <summary>The value of <paramref name="key"/> decoded as UTF-8, or null when the key is absent.</summary>
    public string? GetString(string key) => Data.TryGetValue(key, out var value) ? Encoding.UTF8.GetString(value) : null;

    /// <summary>Prints metadata, type and key names only; values are never printed.</summary>
    protected override bool PrintMembers(StringBuilder builder)
    {
        builder.Append("ApiVersion = ").Append(ApiVersion)
            .Append(", Kind = ").Append(Kind)
            .Append(", Namespace = ").Append(Metadata.Namespace)
            .Append(", Name = ").Append(Metadata.Name)
            .Append(", Type = ").Append(Type)
            .Append(", Keys = [").AppendJoin(", ", Data.Keys.Concat(StringData.Keys).Distinct().Order(StringComparer.Ordinal))
            .Append(']');
        return true;
    }
}
