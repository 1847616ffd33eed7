namespace Orchestrator.Controllers;

/// <summary>Configuration of the namespace controller registered by <see cref="NamespaceControllerServiceCollectionExtensions.AddNamespaceController"/>.</summary>
public sealed record NamespaceControllerOptions
{
    /// <summary>
    /// While content that is already being deleted remains (pods terminating gracefully, objects with finalizers), the
    /// namespace is checked again after this interval even if none of its content changes; every change of its content
    /// triggers a check at once anyway. Defaults to 15 s.
    /// </summary>
    public TimeSpan ContentRecheckInterval { get; set; } = TimeSpan.FromSeconds(15);
}
