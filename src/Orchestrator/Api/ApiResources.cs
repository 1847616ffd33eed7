namespace Orchestrator.Api;

/// <summary>Describes one kind the API knows: its group, version, REST name and scope.</summary>
/// <param name="Group">API group; empty for the core group.</param>
/// <param name="Version">API version within the group, for example <c>v1</c>.</param>
/// <param name="Kind">The kind, for example <c>Deployment</c>.</param>
/// <param name="Plural">The lower-case plural used in REST paths, for example <c>deployments</c>.</param>
/// <param name="Namespaced">True when objects of this kind live in a namespace.</param>
/// <param name="ClrType">The record type that represents the kind.</param>
/// <param name="ShortNames">Abbreviations accepted by kubectl, for example <c>deploy</c>.</param>
public sealed record ResourceKind(
    string Group, string Version, string Kind, string Plural, bool Namespaced, Type ClrType, IReadOnlyList<string> ShortNames)
{
    /// <summary>The <c>apiVersion</c> string: <c>v1</c> for the core group, otherwise <c>group/version</c>.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The singular lower-case name, for example <c>deployment</c>.</summary>
    public string Singular => Kind.ToLowerInvariant();

    /// <inheritdoc/>
    public override string ToString() => $"{Kind} ({ApiVersion})";
}

/// <summary>The registry of every kind Orchestrator supports.</summary>
public static class ApiResources
{
    private static readonly ResourceKind[] Kinds =
    [
        new("", "v1", "Namespace", "namespaces", false, typeof(Namespace), ["ns"]),
        new("", "v1", "Node", "nodes", false, typeof(Node), ["no"]),
        new("", "v1", "Pod", "pods", true, typeof(Pod), ["po"]),
        new("", "v1", "ReplicationController", "replicationcontrollers", true, typeof(ReplicationController), ["rc"]),
        new("", "v1", "Service", "services", true, typeof(Service), ["svc"]),
        new("", "v1", "Endpoints", "endpoints", true, typeof(Endpoints), ["ep"]),
        new("", "v1", "ConfigMap", "configmaps", true, typeof(ConfigMap), ["cm"]),
        new("", "v1", "Secret", "secrets", true, typeof(Secret), []),
        new("", "v1", "PersistentVolume", "persistentvolumes", false, typeof(PersistentVolume), ["pv"]),
        new("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims", true, typeof(PersistentVolumeClaim), ["pvc"]),
        new("", "v1", "ServiceAccount", "serviceaccounts", true, typeof(ServiceAccount), ["sa"]),
        new("", "v1", "ResourceQuota", "resourcequotas", true, typeof(ResourceQuota), ["quota"]),
        new("", "v1", "Event", "events", true, typeof(Event), ["ev"]),
        new("apps", "v1", "ReplicaSet", "replicasets", true, typeof(ReplicaSet), ["rs"]),
        new("apps", "v1", "Deployment", "deployments", true, typeof(Deployment), ["deploy"]),
        new("apps", "v1", "StatefulSet", "statefulsets", true, typeof(StatefulSet), ["sts"]),
        new("apps", "v1", "DaemonSet", "daemonsets", true, typeof(DaemonSet), ["ds"]),
        new("apps", "v1", "ControllerRevision", "controllerrevisions", true, typeof(ControllerRevision), []),
        new("batch", "v1", "Job", "jobs", true, typeof(Job), []),
        new("batch", "v1", "CronJob", "cronjobs", true, typeof(CronJob), ["cj"]),
        new("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers", true, typeof(HorizontalPodAutoscaler), ["hpa"]),
        new("rbac.authorization.k8s.io", "v1", "Role", "roles", true, typeof(Role), []),
        new("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true, typeof(RoleBinding), []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false, typeof(ClusterRole), []),
        new("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false, typeof(ClusterRoleBinding), []),
    ];

    private static readonly Dictionary<Type, ResourceKind> ByType = Kinds.ToDictionary(k => k.ClrType);
    private static readonly Dictionary<(string ApiVersion, string Kind), ResourceKind> ByApiVersionKind =
        Kinds.ToDictionary(k => (k.ApiVersion, k.Kind));

    /// <summary>Every supported kind.</summary>
    public static IReadOnlyList<ResourceKind> All => Kinds;

    /// <summary>The kind represented by <typeparamref name="T"/>.</summary>
    public static ResourceKind For<T>() where T : KubernetesObject => For(typeof(T));

    /// <summary>The kind represented by <paramref name="type"/>.</summary>
    /// <exception cref="ArgumentException">The type is not a supported kind.</exception>
    public static ResourceKind For(Type type) =>
        ByType.TryGetValue(type, out var kind) ? kind : throw new ArgumentException($"{type.Name} is not a supported kind.", nameof(type));

    /// <summary>Finds a kind by <c>apiVersion</c> and <c>kind</c>, or returns null.</summary>
    public static ResourceKind? Find(string apiVersion, string kind) =>
        ByApiVersionKind.GetValueOrDefault((apiVersion, kind));

    /// <summary>A readable list of the supported <c>apiVersion</c>/<c>kind</c> pairs, for error messages.</summary>
    public static string Supported => string.Join(", ", Kinds.Select(k => $"{k.ApiVersion}/{k.Kind}"));
}
