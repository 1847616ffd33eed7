namespace Orchestrator.Scheduling.Plugins;

/// <summary>
/// Prefers nodes that already have the pod's images (Kubernetes' <c>ImageLocality</c>). Each image present on the node
/// contributes its size scaled by the fraction of nodes that have it (so an image everywhere does not attract pods to a
/// few nodes); the sum is clamped to [23 MB, 1000 MB × containers] and mapped linearly to 0..100.
/// </summary>
internal sealed class ImageLocality : IScorePlugin
{
    /// <summary>Sums below this score 0 (Kubernetes' <c>minThreshold</c>, 23 MB).</summary>
    public const long MinThreshold = 23L * 1024 * 1024;

    /// <summary>Sums at or above this, per container, score 100 (Kubernetes' <c>maxContainerThreshold</c>, 1000 MB).</summary>
    public const long MaxContainerThreshold = 1000L * 1024 * 1024;

    /// <inheritdoc/>
    public string Name => SchedulerPlugins.ImageLocality;

    /// <inheritdoc/>
    public long Score(SchedulingContext context, PodInfo pod, NodeInfo node) =>
        node.ImageSizes.Count == 0 ? 0 : Compute(pod, node, context.Nodes.Count, context.Cache.ImageNodeCount);

    /// <summary>The score of <paramref name="node"/> for <paramref name="pod"/>, given the cluster's node count and image spread.</summary>
    public static long Compute(PodInfo pod, NodeInfo node, int totalNodes, Func<string, int> nodesWithImage)
    {
        if (pod.Images.Length == 0 || totalNodes == 0) return 0;
        long sum = 0;
        var sizes = node.ImageSizes;
        if (sizes.Count > 0)
        {
            foreach (var image in pod.Images)
            {
                if (!sizes.TryGetValue(image, out var size)) continue;
                sum += (long)(size * ((double)nodesWithImage(image) / totalNodes));
            }
        }
        var max = MaxContainerThreshold * pod.Images.Length;
        sum = Math.Clamp(sum, MinThreshold, max);
        return IScorePlugin.MaxNodeScore * (sum - MinThreshold) / (max - MinThreshold);
    }
}
