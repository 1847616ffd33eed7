namespace Orchestrator.Scheduling;

/// <summary>The names of the built-in scheduler plugins, as <see cref="SchedulerProfile"/> lists refer to them.</summary>
public static class SchedulerPlugins
{
    /// <summary>Filter: a cordoned node (<c>spec.unschedulable</c>) only takes pods tolerating <c>node.kubernetes.io/unschedulable</c>.</summary>
    public const string NodeUnschedulable = "NodeUnschedulable";

    /// <summary>Filter: a pod that names a node in <c>spec.nodeName</c> only fits that node.</summary>
    public const string NodeName = "NodeName";

    /// <summary>Filter: untolerated <c>NoSchedule</c>/<c>NoExecute</c> taints reject; score: fewer untolerated <c>PreferNoSchedule</c> taints is better.</summary>
    public const string TaintToleration = "TaintToleration";

    /// <summary>Filter: a node whose <c>Ready</c> condition is not <c>True</c> rejects pods not tolerating the implied not-ready/unreachable taint.</summary>
    public const string NodeReady = "NodeReady";

    /// <summary>Filter: <c>nodeSelector</c> and required node affinity; score: preferred node affinity weights.</summary>
    public const string NodeAffinity = "NodeAffinity";

    /// <summary>Filter: requested host ports must be free on the node.</summary>
    public const string NodePorts = "NodePorts";

    /// <summary>Filter: the pod's requests must fit the node's free allocatable resources and pod count.</summary>
    public const string NodeResourcesFit = "NodeResourcesFit";

    /// <summary>Filter: a <c>ReadWriteOncePod</c> claim may be used by one pod only.</summary>
    public const string VolumeRestrictions = "VolumeRestrictions";

    /// <summary>Filter and score: required and preferred inter-pod affinity and anti-affinity.</summary>
    public const string InterPodAffinity = "InterPodAffinity";

    /// <summary>Score: prefers nodes with more free CPU and memory.</summary>
    public const string NodeResourcesLeastAllocated = "NodeResourcesLeastAllocated";

    /// <summary>Score: prefers nodes whose CPU and memory use stay balanced.</summary>
    public const string NodeResourcesBalancedAllocation = "NodeResourcesBalancedAllocation";

    /// <summary>Score: prefers nodes that already have the pod's images.</summary>
    public const string ImageLocality = "ImageLocality";

    /// <summary>Score: spreads the pods of one controller across nodes and zones.</summary>
    public const string SelectorSpread = "SelectorSpread";
}
