namespace Orchestrator.Api;

/// <summary>
/// A group of containers that run together on one node (Kubernetes core/v1 <c>Pod</c>).
/// </summary>
/// <remarks>
/// Field selectors supported by <see cref="GetFieldValue"/>: <c>spec.nodeName</c>, <c>spec.restartPolicy</c>,
/// <c>spec.schedulerName</c>, <c>spec.serviceAccountName</c>, <c>status.phase</c> and <c>status.podIP</c>
/// (an unset field reads as the empty string, so <c>spec.nodeName=</c> selects unscheduled pods).
/// </remarks>
public sealed record Pod : KubernetesObject<PodSpec, PodStatus>
{
    /// <summary>Creates an empty <c>v1</c> Pod.</summary>
    public Pod() : base("v1", "Pod")
    {
    }

    /// <summary>True when the pod's <c>Ready</c> condition is <c>True</c>.</summary>
    public bool IsReady() => Status?.IsConditionTrue(PodConditionType.Ready) == true;

    /// <summary>True when the pod has reached <c>Succeeded</c> or <c>Failed</c> and will not run again.</summary>
    public bool IsTerminal() => Status?.Phase is PodPhase.Succeeded or PodPhase.Failed;

    /// <inheritdoc/>
    public override string? GetFieldValue(string fieldPath) => fieldPath switch
    {
        "spec.nodeName" => Spec.NodeName ?? "",
        "spec.restartPolicy" => Spec.RestartPolicy,
        "spec.schedulerName" => Spec.SchedulerName,
        "spec.serviceAccountName" => Spec.ServiceAccountName ?? "",
        "status.phase" => Status?.Phase ?? "",
        "status.podIP" => Status?.PodIP ?? "",
        _ => base.GetFieldValue(fieldPath),
    };
}

/// <summary>The metadata and spec from which a controller creates pods (Kubernetes <c>PodTemplateSpec</c>).</summary>
public sealed record PodTemplateSpec
{
    /// <summary>Labels and annotations copied to each created pod; the controller's selector must match the labels.</summary>
    public ObjectMeta Metadata { get; init; } = new();

    /// <summary>The spec of each created pod.</summary>
    public PodSpec Spec { get; init; } = new();
}
