using System.Runtime.CompilerServices;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// The garbage collector's work item: an object of any kind. Kinds are compared by reference (they are the
/// registry's instances), which keeps queue operations cheap.
/// </summary>
/// <param name="Kind">The object's kind, an instance from <see cref="ApiResources"/>.</param>
/// <param name="Key">The object's namespace (empty for cluster-scoped kinds) and name.</param>
internal readonly record struct GarbageCollectorItem(ResourceKind Kind, ObjectKey Key)
{
    /// <summary>The item of <paramref name="obj"/>, of kind <paramref name="kind"/>.</summary>
    public static GarbageCollectorItem Of(ResourceKind kind, KubernetesObject obj) => new(kind, ObjectKey.Of(obj));

    /// <inheritdoc/>
    public bool Equals(GarbageCollectorItem other) => ReferenceEquals(Kind, other.Kind) && Key.Equals(other.Key);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(Kind), Key);

    /// <inheritdoc/>
    public override string ToString() => $"{Kind.Kind} {Key}";
}
