namespace Orchestrator.NodeAgent;

/// <summary>An object a container's configuration refers to, so the agent can retry when it appears or changes.</summary>
/// <param name="Kind"><c>ConfigMap</c>, <c>Secret</c>, <c>PersistentVolumeClaim</c> or <c>PersistentVolume</c>.</param>
/// <param name="Namespace">Its namespace; empty for PersistentVolumes.</param>
/// <param name="Name">Its name.</param>
internal readonly record struct ConfigDependency(string Kind, string Namespace, string Name);

/// <summary>
/// A container's configuration or a pod's volumes cannot be resolved yet, e.g. <c>configmap "x" not found</c>. The message
/// is shown to users as the waiting message; it names objects and keys but never values.
/// </summary>
internal sealed class ConfigResolutionException(string message, ConfigDependency? dependency = null) : Exception(message)
{
    /// <summary>The object whose appearance or change may resolve the problem, if one.</summary>
    public ConfigDependency? Dependency { get; } = dependency;
}
