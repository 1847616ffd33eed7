namespace Orchestrator.Api.Defaulting;

/// <summary>
/// Fills in the defaults Kubernetes' API server applies on create and update
/// (for example a Pod's <c>restartPolicy: Always</c> or a container's <c>imagePullPolicy</c>),
/// so that stored objects look the same as on a real cluster.
/// </summary>
public static class ObjectDefaulter
{
    private static readonly Dictionary<Type, Func<KubernetesObject, KubernetesObject>> KindDefaulters = CreateKindDefaulters();

    /// <summary>Returns <paramref name="obj"/> with every unset defaulted field filled in; idempotent.</summary>
    public static T ApplyDefaults<T>(T obj) where T : KubernetesObject =>
        KindDefaulters.TryGetValue(obj.GetType(), out var apply) ? (T)apply(obj) : obj;

    private static Dictionary<Type, Func<KubernetesObject, KubernetesObject>> CreateKindDefaulters()
    {
        var defaulters = new Dictionary<Type, Func<KubernetesObject, KubernetesObject>>();
        CoreDefaults.Register(defaulters);
        WorkloadDefaults.Register(defaulters);
        return defaulters;
    }
}
