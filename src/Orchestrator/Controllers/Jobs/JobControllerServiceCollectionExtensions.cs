using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the Job controller.</summary>
public static class JobControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the Job controller (a <see cref="ControllerBuilder"/> controller named <c>job-controller</c>): it runs
    /// <c>parallelism</c> pods at a time until <c>completions</c> succeed (or, without completions, until one succeeds and
    /// none runs), replaces failed pods after an exponential back-off (<see cref="JobControllerOptions"/>), fails the Job
    /// with reason <c>BackoffLimitExceeded</c> or <c>DeadlineExceeded</c>, honours <c>suspend</c>, <c>Indexed</c> completion
    /// and <c>ttlSecondsAfterFinished</c> (the Job is deleted with foreground propagation; register the garbage collector
    /// so that its pods go too), and keeps <c>status</c> with the conditions <c>Complete</c>, <c>Failed</c> and
    /// <c>Suspended</c>. All timing follows the registered <see cref="TimeProvider"/>. Needs an <see cref="IObjectStore"/>.
    /// Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddJobController(o => o.PodFailureBackOff = TimeSpan.FromSeconds(1));
    /// </code>
    /// </example>
    public static IServiceCollection AddJobController(this IServiceCollection services, Action<JobControllerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<JobControllerOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(JobControllerMarker))) return services;
        services.AddSingleton<JobControllerMarker>();
        services.AddController(ControllerBuilder.For<Job>(JobReconciler.Name)
            .Owns<Pod>()
            .WithReconciler(sp => new JobReconciler(
                sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SharedInformerFactory>(),
                sp.GetRequiredService<IEventRecorderFactory>(),
                sp.GetRequiredService<IOptions<JobControllerOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                (sp.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{JobReconciler.Name}")))
            .WithWorkers(4));
        return services;
    }

    /// <summary>Marks the controller as registered, so a second call does not add a second one.</summary>
    private sealed class JobControllerMarker;
}
