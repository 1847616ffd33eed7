using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the CronJob controller.</summary>
public static class CronJobControllerServiceCollectionExtensions
{
    /// <summary>
    /// Registers the CronJob controller (a <see cref="ControllerBuilder"/> controller named <c>cronjob-controller</c>): it
    /// creates a Job named <c>&lt;cronjob&gt;-&lt;minutes since the epoch&gt;</c> at each time of <c>spec.schedule</c> (see
    /// <see cref="CronSchedule"/>) in <c>spec.timeZone</c>, honours <c>concurrencyPolicy</c>, <c>startingDeadlineSeconds</c>
    /// (after downtime only the latest missed time runs), <c>suspend</c> and the history limits, and keeps
    /// <c>status.active</c>, <c>lastScheduleTime</c> and <c>lastSuccessfulTime</c>. It wakes exactly at each scheduled time
    /// of the registered <see cref="TimeProvider"/>. Register <see cref="JobControllerServiceCollectionExtensions.AddJobController"/>
    /// to run the Jobs. Needs an <see cref="IObjectStore"/>. Idempotent.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddJobController().AddCronJobController();
    /// </code>
    /// </example>
    public static IServiceCollection AddCronJobController(this IServiceCollection services) =>
        services.TryAddController(CronJobReconciler.Name, static () => ControllerBuilder.For<CronJob>(CronJobReconciler.Name)
            .Owns<Job>()
            .WithReconciler(static d => new CronJobReconciler(d.Store, d.Informers, d.Events, d.Time, d.Logger))
            .WithWorkers(2));
}
