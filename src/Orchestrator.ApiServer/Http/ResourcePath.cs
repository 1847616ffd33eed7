using Orchestrator.Api;

namespace Orchestrator.ApiServer.Http;

/// <summary>A parsed resource URL: <c>/api/v1/namespaces/{ns}/{plural}/{name}/{subresource}</c> and its variants.</summary>
internal sealed record ResourcePath(ResourceKind Kind, string? Namespace, string? Name, string? Subresource)
{
    private static readonly Dictionary<(string GroupVersion, string Plural), ResourceKind> ByPlural =
        ApiResources.All.ToDictionary(k => (k.ApiVersion, k.Plural));

    /// <summary>The kinds served under a group version, in registry order.</summary>
    public static IEnumerable<ResourceKind> KindsOf(string groupVersion) => ApiResources.All.Where(k => k.ApiVersion == groupVersion);

    /// <summary>Parses the segments after <c>/api/v1</c> or <c>/apis/{group}/{version}</c>; null when no kind matches.</summary>
    public static ResourcePath? Parse(string groupVersion, ReadOnlySpan<string> rest)
    {
        ResourceKind? Lookup(string plural) => ByPlural.GetValueOrDefault((groupVersion, plural));

        if (rest.Length >= 3 && rest[0] == "namespaces" && Lookup(rest[2]) is { Namespaced: true } namespaced)
        {
            return rest.Length switch
            {
                3 => new ResourcePath(namespaced, rest[1], null, null),
                4 => new ResourcePath(namespaced, rest[1], rest[3], null),
                5 => new ResourcePath(namespaced, rest[1], rest[3], rest[4]),
                _ => null,
            };
        }
        if (rest.Length is < 1 or > 3 || Lookup(rest[0]) is not { } kind) return null;
        // A namespaced kind addressed without a namespace only lists (or watches) across every namespace.
        if (kind.Namespaced && rest.Length > 1) return null;
        return new ResourcePath(kind, null, rest.Length > 1 ? rest[1] : null, rest.Length > 2 ? rest[2] : null);
    }
}
