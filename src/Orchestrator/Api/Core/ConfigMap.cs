using System.Collections.Immutable;

namespace Orchestrator.Api;

/// <summary>Non-secret configuration as key/value pairs (Kubernetes core/v1 <c>ConfigMap</c>).</summary>
/// <remarks>Keys must be unique across <see cref="Data"/> and <see cref="BinaryData"/> and match <c>[-._a-zA-Z0-9]+</c>.</remarks>
public sealed record ConfigMap : KubernetesObject
{
    /// <summary>Creates an empty <c>v1</c> ConfigMap.</summary>
    public ConfigMap() : base("v1", "ConfigMap")
    {
    }

    /// <summary>UTF-8 values by key.</summary>
    public IReadOnlyDictionary<string, string> Data { get; init; } = ImmutableDictionary<string, string>.Empty;

    /// <summary>Binary values by key; base64 in JSON.</summary>
    public IReadOnlyDictionary<string, byte[]> BinaryData { get; init; } = ImmutableDictionary<string, byte[]>.Empty;

    /// <summary>When true, the data can no longer be changed (only the object deleted).</summary>
    public bool? Immutable { get; init; }
}
