using Microsoft.Extensions.Options;
using Orchestrator.Controllers;
using Orchestrator.Scheduling;

namespace Orchestrator.Hosting;

/// <summary>
/// Validates the options of the controllers and the scheduler that <see cref="OrchestratorServiceCollectionExtensions.AddOrchestrator"/>
/// binds from sub-sections of <c>Orchestrator</c>, including what only makes sense together with the node agents' settings.
/// </summary>
internal sealed class NodeLifecycleOptionsValidator(IOptions<OrchestratorOptions> orchestrator) : IValidateOptions<NodeLifecycleOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeLifecycleOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:NodeLifecycle");
        errors.Positive("NodeMonitorPeriod", options.NodeMonitorPeriod, "nodes are checked at least this often");
        errors.Positive("NodeStartupGracePeriod", options.NodeStartupGracePeriod, "a new node has this long to report Ready");
        if (options.DefaultTolerationPeriod < TimeSpan.Zero)
        {
            errors.Add("DefaultTolerationPeriod", $"must not be negative, but is {options.DefaultTolerationPeriod}");
        }
        var heartbeat = orchestrator.Value.NodeAgent?.HeartbeatInterval ?? TimeSpan.Zero;
        if (options.NodeMonitorGracePeriod <= heartbeat)
        {
            errors.Add("NodeMonitorGracePeriod",
                $"must be longer than {OrchestratorOptions.SectionName}:NodeAgent:HeartbeatInterval ({heartbeat}), but is {options.NodeMonitorGracePeriod}: " +
                "a node whose heartbeat is older than the grace period is marked NotReady and its pods evicted, so healthy nodes would flap");
        }
        return errors.Result();
    }
}

/// <summary>Validates <see cref="SchedulerOptions"/> bound from <c>Orchestrator:Scheduler</c>.</summary>
internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:Scheduler");
        if (options.PercentageOfNodesToScore is < 0 or > 100)
        {
            errors.Add("PercentageOfNodesToScore", $"must be between 0 (adaptive) and 100, but is {options.PercentageOfNodesToScore}");
        }
        errors.Positive("PodInitialBackoff", options.PodInitialBackoff, "it is the first delay before an unschedulable pod is retried");
        if (options.PodMaxBackoff < options.PodInitialBackoff)
        {
            errors.Add("PodMaxBackoff", $"must be at least PodInitialBackoff ({options.PodInitialBackoff}), but is {options.PodMaxBackoff}");
        }
        errors.Positive("UnschedulableRetryInterval", options.UnschedulableRetryInterval, "unschedulable pods are retried at least this often");
        errors.AtLeast("MaxConcurrentBindings", options.MaxConcurrentBindings, 1, "it is how many bindings may be in flight");
        if (options.Profiles is null || options.Profiles.Count == 0)
        {
            errors.Add("Profiles", "must contain at least one profile: without one no pod is scheduled");
        }
        return errors.Result();
    }
}

/// <summary>Validates <see cref="GarbageCollectorOptions"/> bound from <c>Orchestrator:GarbageCollector</c>.</summary>
internal sealed class GarbageCollectorOptionsValidator : IValidateOptions<GarbageCollectorOptions>
{
    public ValidateOptionsResult Validate(string? name, GarbageCollectorOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:GarbageCollector");
        errors.AtLeast("Workers", options.Workers, 1, "it is how many objects are collected at once");
        var unknown = (options.IgnoredKinds ?? []).Where(k => Api.ApiResources.All.All(r => r.Kind != k)).ToArray();
        if (unknown.Length > 0)
        {
            errors.Add("IgnoredKinds", $"contains unknown kinds {string.Join(", ", unknown)}; known kinds are {string.Join(", ", Api.ApiResources.All.Select(k => k.Kind))}");
        }
        return errors.Result();
    }
}

/// <summary>Validates <see cref="NamespaceControllerOptions"/> bound from <c>Orchestrator:Namespaces</c>.</summary>
internal sealed class NamespaceControllerOptionsValidator : IValidateOptions<NamespaceControllerOptions>
{
    public ValidateOptionsResult Validate(string? name, NamespaceControllerOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:Namespaces");
        errors.Positive("ContentRecheckInterval", options.ContentRecheckInterval, "a terminating namespace is checked again this often");
        return errors.Result();
    }
}

/// <summary>Validates <see cref="JobControllerOptions"/> bound from <c>Orchestrator:Jobs</c>.</summary>
internal sealed class JobControllerOptionsValidator : IValidateOptions<JobControllerOptions>
{
    public ValidateOptionsResult Validate(string? name, JobControllerOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:Jobs");
        errors.Positive("PodFailureBackOff", options.PodFailureBackOff, "it is the first delay before a Job replaces a failed pod");
        if (options.MaxPodFailureBackOff < options.PodFailureBackOff)
        {
            errors.Add("MaxPodFailureBackOff",
                $"must be at least PodFailureBackOff ({options.PodFailureBackOff}), but is {options.MaxPodFailureBackOff}: the delay doubles from PodFailureBackOff up to this maximum");
        }
        return errors.Result();
    }
}

/// <summary>Validates <see cref="PersistentVolumeBinderOptions"/> bound from <c>Orchestrator:Volumes</c>.</summary>
internal sealed class PersistentVolumeBinderOptionsValidator : IValidateOptions<PersistentVolumeBinderOptions>
{
    public ValidateOptionsResult Validate(string? name, PersistentVolumeBinderOptions options)
    {
        var errors = new OptionErrors($"{OrchestratorOptions.SectionName}:Volumes");
        if (options.DynamicProvisioning && string.IsNullOrWhiteSpace(options.ProvisioningDirectory))
        {
            errors.Add("ProvisioningDirectory", "must not be empty while DynamicProvisioning is on: provisioned volumes are directories under it");
        }
        return errors.Result();
    }
}
