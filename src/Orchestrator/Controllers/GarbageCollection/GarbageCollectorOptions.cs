namespace Orchestrator.Controllers;

/// <summary>Configuration of the garbage collector registered by <see cref="GarbageCollectorServiceCollectionExtensions.AddGarbageCollector"/>.</summary>
public sealed record GarbageCollectorOptions
{
    /// <summary>
    /// How many objects are processed concurrently (kube-controller-manager's <c>--concurrent-gc-syncs</c>). Never one
    /// object twice at once. Defaults to 4.
    /// </summary>
    public int Workers { get; set; } = 4;

    /// <summary>
    /// Kinds (the <c>kind</c> of <see cref="Api.ApiResources"/>, e.g. <c>Event</c>) the garbage collector neither watches
    /// nor collects, and which are never considered dependents. Defaults to <c>Event</c>, as Kubernetes' default
    /// <c>gc-ignored-resources</c>: events are many, short-lived and expire on their own.
    /// </summary>
    public IReadOnlyList<string> IgnoredKinds { get; set; } = ["Event"];
}
