using Microsoft.Extensions.DependencyInjection;
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
        return services.TryAddController(JobReconciler.Name, static () => ControllerBuilder.For<Job>(JobReconciler.Name)
            .Owns<Pod>()
            .WithReconciler(static d => new JobReconciler(d.Store, d.Informers, d.Events,
                d.Services.GetRequiredService<IOptions<JobControllerOptions>>().Value, d.Time, d.Logger))
            .WithWorkers(4));
    }
}
