namespace Orchestrator.Api;

/// <summary>
/// Label and annotation keys that Kubernetes' workload controllers put on the objects they create, with the
/// same names, so that selectors and tools written for Kubernetes work unchanged.
/// </summary>
public static class WellKnownLabels
{
    /// <summary>
    /// Annotation on a Deployment and its ReplicaSets: the rollout revision (<c>"1"</c>, <c>"2"</c>, ...) of the
    /// ReplicaSet; the Deployment carries the revision of its newest ReplicaSet.
    /// </summary>
    public const string DeploymentRevision = "deployment.kubernetes.io/revision";

    /// <summary>Annotation on a Deployment's ReplicaSets: the Deployment's <c>spec.replicas</c> when the ReplicaSet was last scaled.</summary>
    public const string DeploymentDesiredReplicas = "deployment.kubernetes.io/desired-replicas";

    /// <summary>Annotation on a Deployment's ReplicaSets: <c>replicas + maxSurge</c> when the ReplicaSet was last scaled.</summary>
    public const string DeploymentMaxReplicas = "deployment.kubernetes.io/max-replicas";

    /// <summary>
    /// Label on a Deployment's ReplicaSets, their selectors and their pods: a hash of the pod template (and the
    /// collision count) that keeps the ReplicaSets of one Deployment from selecting each other's pods.
    /// </summary>
    public const string PodTemplateHash = "pod-template-hash";

    /// <summary>Label on StatefulSet and DaemonSet pods: the name of the ControllerRevision the pod was created from.</summary>
    public const string ControllerRevisionHash = "controller-revision-hash";

    /// <summary>Label on StatefulSet pods: the pod's own name, for selecting one pod with a service.</summary>
    public const string StatefulSetPodName = "statefulset.kubernetes.io/pod-name";

    /// <summary>Label on StatefulSet pods (and Indexed Job pods): the pod's ordinal.</summary>
    public const string PodIndex = "apps.kubernetes.io/pod-index";

    /// <summary>Label on Job pods and in generated Job selectors: the Job's name.</summary>
    public const string JobName = "batch.kubernetes.io/job-name";

    /// <summary>The legacy, unprefixed form of <see cref="JobName"/>, still set on Job pods.</summary>
    public const string LegacyJobName = "job-name";

    /// <summary>Label on Job pods and the key of a generated Job selector: the Job's <c>metadata.uid</c>.</summary>
    public const string JobControllerUid = "batch.kubernetes.io/controller-uid";

    /// <summary>The legacy, unprefixed form of <see cref="JobControllerUid"/>, still set on Job pods.</summary>
    public const string LegacyControllerUid = "controller-uid";

    /// <summary>Annotation and label on pods of an <c>Indexed</c> Job: the pod's completion index.</summary>
    public const string JobCompletionIndex = "batch.kubernetes.io/job-completion-index";

    /// <summary>Finalizer the Job controller puts on its pods until it has counted them in the Job status.</summary>
    public const string JobTrackingFinalizer = "batch.kubernetes.io/job-tracking";

    /// <summary>Annotation on Jobs created by a CronJob: the scheduled time, in RFC 3339.</summary>
    public const string CronJobScheduledTimestamp = "batch.kubernetes.io/cronjob-scheduled-timestamp";

    /// <summary>Node label: the node's host name; the usual <c>topologyKey</c> for spreading over nodes.</summary>
    public const string Hostname = "kubernetes.io/hostname";

    /// <summary>Node label: the node's operating system, for example <c>linux</c>.</summary>
    public const string Os = "kubernetes.io/os";

    /// <summary>Node label: the node's CPU architecture, for example <c>amd64</c>.</summary>
    public const string Arch = "kubernetes.io/arch";

    /// <summary>Node label: the node's zone.</summary>
    public const string Zone = "topology.kubernetes.io/zone";

    /// <summary>Node label: the node's region.</summary>
    public const string Region = "topology.kubernetes.io/region";

    /// <summary>Taint key the node lifecycle controller puts on a node whose <c>Ready</c> condition is <c>False</c>.</summary>
    public const string TaintNodeNotReady = "node.kubernetes.io/not-ready";

    /// <summary>Taint key the node lifecycle controller puts on a node whose <c>Ready</c> condition is <c>Unknown</c>.</summary>
    public const string TaintNodeUnreachable = "node.kubernetes.io/unreachable";

    /// <summary>Taint key put on a cordoned node (<c>spec.unschedulable</c>).</summary>
    public const string TaintNodeUnschedulable = "node.kubernetes.io/unschedulable";
}
