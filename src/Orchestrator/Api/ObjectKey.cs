namespace Orchestrator.Api;

/// <summary>Identifies an object of a known kind: its namespace (empty for cluster-scoped kinds) and name.</summary>
/// <param name="Namespace">The namespace, or empty for cluster-scoped objects.</param>
/// <param name="Name">The object name.</param>
public readonly record struct ObjectKey(string Namespace, string Name)
{
    /// <summary>The key of <paramref name="obj"/>.</summary>
    public static ObjectKey Of(KubernetesObject obj) => new(obj.Metadata.Namespace ?? "", obj.Metadata.Name ?? "");

    /// <summary>Parses <c>namespace/name</c> or <c>name</c> (cluster-scoped).</summary>
    public static ObjectKey Parse(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? new ObjectKey("", key) : new ObjectKey(key[..slash], key[(slash + 1)..]);
    }

    /// <summary>The key as <c>namespace/name</c>, or <c>name</c> for cluster-scoped objects, as client-go writes it.</summary>
    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
