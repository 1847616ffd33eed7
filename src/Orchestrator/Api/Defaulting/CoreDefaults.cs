namespace Orchestrator.Api.Defaulting;

/// <summary>API-server defaults of the core/v1 kinds.</summary>
internal static class CoreDefaults
{
    /// <summary>Adds the defaulter of every core/v1 kind that needs one to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Func<KubernetesObject, KubernetesObject>> map)
    {
    }
}
