using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Http;

namespace Orchestrator.ApiServer.Discovery;

/// <summary>
/// The discovery documents kubectl reads: <c>/api</c>, <c>/apis</c> and each group version's APIResourceList. The OpenAPI
/// documents are in <see cref="OpenApiDocuments"/>.
/// </summary>
internal static class DiscoveryDocuments
{
    private static readonly string[] AllVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];
    private static readonly string[] SubresourceVerbs = ["get", "patch", "update"];
    private static readonly HashSet<string> InCategoryAll =
        ["pods", "services", "replicationcontrollers", "deployments", "replicasets", "statefulsets", "daemonsets", "jobs", "cronjobs", "horizontalpodautoscalers"];
    private static readonly HashSet<string> Scalable = ["deployments", "replicasets", "statefulsets", "replicationcontrollers"];

    public static IReadOnlyList<string> GroupVersions { get; } = ApiResources.All.Select(k => k.ApiVersion).Distinct().ToArray();

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject ApiGroupList()
    {
        var groups = new JsonArray();
        foreach (var group in ApiResources.All.Where(k => k.Group.Length > 0).GroupBy(k => k.Group))
        {
            groups.Add(ApiGroup(group.Key));
        }
        return new JsonObject { ["kind"] = "APIGroupList", ["apiVersion"] = "v1", ["groups"] = groups };
    }

    public static JsonObject? ApiGroup(string group)
    {
        var versions = ApiResources.All.Where(k => k.Group == group).Select(k => k.Version).Distinct().ToArray();
        if (versions.Length == 0) return null;
        var list = new JsonArray();
        foreach (var v in versions) list.Add(new JsonObject { ["groupVersion"] = $"{group}/{v}", ["version"] = v });
        return new JsonObject
        {
            ["kind"] = "APIGroup",
            ["apiVersion"] = "v1",
            ["name"] = group,
            ["versions"] = list,
            ["preferredVersion"] = new JsonObject { ["groupVersion"] = $"{group}/{versions[0]}", ["version"] = versions[0] },
        };
    }

    public static JsonObject? ResourceList(string groupVersion)
    {
        var kinds = ResourcePath.KindsOf(groupVersion).ToArray();
        if (kinds.Length == 0) return null;
        var resources = new JsonArray();
        foreach (var kind in kinds)
        {
            var resource = new JsonObject
            {
                ["name"] = kind.Plural,
                ["singularName"] = kind.Singular,
                ["namespaced"] = kind.Namespaced,
                ["kind"] = kind.Kind,
                ["verbs"] = new JsonArray(AllVerbs.Select(v => (JsonNode?)v).ToArray()),
            };
            if (kind.ShortNames.Count > 0) resource["shortNames"] = new JsonArray(kind.ShortNames.Select(s => (JsonNode?)s).ToArray());
            if (InCategoryAll.Contains(kind.Plural)) resource["categories"] = new JsonArray("all");
            resources.Add(resource);
            if (HasStatus(kind)) resources.Add(Subresource(kind, "status", kind.Kind, null, null));
            if (Scalable.Contains(kind.Plural)) resources.Add(Subresource(kind, "scale", "Scale", "autoscaling", "v1"));
            if (kind.Plural == "pods")
            {
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/log", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "Pod", ["verbs"] = new JsonArray("get"),
                });
                resources.Add(new JsonObject
                {
                    ["name"] = "pods/exec", ["singularName"] = "", ["namespaced"] = true, ["kind"] = "PodExecOptions",
                    ["verbs"] = new JsonArray("create", "get"),
                });
            }
        }
        return new JsonObject { ["kind"] = "APIResourceList", ["apiVersion"] = "v1", ["groupVersion"] = groupVersion, ["resources"] = resources };
    }

    /// <summary>True when the kind has a <c>status</c> (a <c>KubernetesObject&lt;TSpec, TStatus&gt;</c>).</summary>
    public static bool HasStatus(ResourceKind kind)
    {
        for (var type = kind.ClrType; type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(KubernetesObject<,>)) return true;
        }
        return false;
    }

    private static JsonObject Subresource(ResourceKind kind, string name, string subKind, string? group, string? version)
    {
        var resource = new JsonObject
        {
            ["name"] = $"{kind.Plural}/{name}",
            ["singularName"] = "",
            ["namespaced"] = kind.Namespaced,
        };
        if (group is not null) resource["group"] = group;
        if (version is not null) resource["version"] = version;
        resource["kind"] = subKind;
        resource["verbs"] = new JsonArray(SubresourceVerbs.Select(v => (JsonNode?)v).ToArray());
        return resource;
    }
}
