using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>The observed state of a <see cref="Job"/> (Kubernetes <c>JobStatus</c>), written by the Job controller.</summary>
public sealed record JobStatus
{
    /// <summary>
    /// The job's conditions: <c>Complete</c> or <c>Failed</c> (<c>True</c> once finished), <c>Suspended</c>, and the
    /// interim <c>FailureTarget</c> and <c>SuccessCriteriaMet</c>.
    /// </summary>
    public IReadOnlyList<JobCondition> Conditions { get; init; } = [];

    /// <summary>When the controller started the job (reset each time a suspended job resumes).</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>When the job completed successfully; unset for a failed job.</summary>
    public DateTimeOffset? CompletionTime { get; init; }

    /// <summary>Pending and running pods.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Active { get; init; }

    /// <summary>Pods that reached phase <c>Succeeded</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Succeeded { get; init; }

    /// <summary>Pods that reached phase <c>Failed</c>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int Failed { get; init; }

    /// <summary>Pods with a deletion timestamp that have not finished yet.</summary>
    public int? Terminating { get; init; }

    /// <summary>Completed indexes of an <c>Indexed</c> job, as ranges such as <c>"1,3-5,7"</c>.</summary>
    public string? CompletedIndexes { get; init; }

    /// <summary>Failed indexes of an <c>Indexed</c> job with a per-index backoff limit, as ranges.</summary>
    public string? FailedIndexes { get; init; }

    /// <summary>UIDs of finished pods not yet added to <see cref="Succeeded"/> or <see cref="Failed"/>.</summary>
    public UncountedTerminatedPods? UncountedTerminatedPods { get; init; }

    /// <summary>Active pods with a <c>Ready</c> condition.</summary>
    public int? Ready { get; init; }

    /// <summary>The condition of type <paramref name="type"/> (see <see cref="JobConditionType"/>), or null.</summary>
    public JobCondition? GetCondition(string type) => Conditions.FirstOrDefault(c => c.Type == type);

    /// <summary>True when the condition of type <paramref name="type"/> exists and is <c>True</c>.</summary>
    public bool IsConditionTrue(string type) => GetCondition(type)?.Status == ConditionStatus.True;
}

/// <summary>One condition of a <see cref="Job"/> (Kubernetes <c>JobCondition</c>).</summary>
public sealed record JobCondition
{
    /// <summary>The condition type; see <see cref="JobConditionType"/>.</summary>
    public string Type { get; init; } = "";

    /// <summary><c>True</c>, <c>False</c> or <c>Unknown</c>; see <see cref="ConditionStatus"/>.</summary>
    public string Status { get; init; } = ConditionStatus.Unknown;

    /// <summary>When the condition was last checked.</summary>
    public DateTimeOffset? LastProbeTime { get; init; }

    /// <summary>When <see cref="Status"/> last changed.</summary>
    public DateTimeOffset? LastTransitionTime { get; init; }

    /// <summary>A CamelCase reason, for example <c>BackoffLimitExceeded</c> or <c>DeadlineExceeded</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>A human-readable explanation.</summary>
    public string? Message { get; init; }
}

/// <summary>UIDs of a Job's finished pods that are not counted yet (Kubernetes <c>UncountedTerminatedPods</c>).</summary>
public sealed record UncountedTerminatedPods
{
    /// <summary>UIDs of succeeded pods.</summary>
    public IReadOnlyList<string> Succeeded { get; init; } = [];

    /// <summary>UIDs of failed pods.</summary>
    public IReadOnlyList<string> Failed { get; init; } = [];
}
