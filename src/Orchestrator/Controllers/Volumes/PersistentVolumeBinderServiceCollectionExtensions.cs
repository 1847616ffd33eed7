using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>Registers the persistent volume binder.</summary>
public static class PersistentVolumeBinderServiceCollectionExtensions
{
    /// <summary>
    /// Registers the volume binder: two <see cref="ControllerBuilder"/> controllers, <c>persistentvolume-binder-controller</c>
    /// (claims) and <c>persistentvolume-reclaimer</c> (volumes). Pending claims are bound to the smallest free volume that
    /// satisfies them (storage class, volume mode, access modes, capacity, selector), or, when none does and
    /// <see cref="PersistentVolumeBinderOptions.DynamicProvisioning"/> is on, to a new hostPath volume under
    /// <see cref="PersistentVolumeBinderOptions.ProvisioningDirectory"/>. Volumes without a claim are <c>Available</c>; a
    /// volume whose claim is deleted is deleted (reclaim policy <c>Delete</c>, the policy of provisioned volumes) or becomes
    /// <c>Released</c> (<c>Retain</c>). Pods that use a claim start once it is bound. Needs an <see cref="IObjectStore"/>.
    /// Calling it again only adds <paramref name="configure"/>.
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddPersistentVolumeBinder(o => o.ProvisioningDirectory = "/var/lib/myapp/volumes");
    /// </code>
    /// </example>
    public static IServiceCollection AddPersistentVolumeBinder(this IServiceCollection services, Action<PersistentVolumeBinderOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<PersistentVolumeBinderOptions>();
        if (configure is not null) options.Configure(configure);
        if (services.Any(d => d.ServiceType == typeof(PersistentVolumeBinderMarker))) return services;
        services.AddSingleton<PersistentVolumeBinderMarker>();

        services.AddController(ControllerBuilder.For<PersistentVolumeClaim>(PersistentVolumeClaimBinder.Name)
            .Watches<PersistentVolume>(static sp =>
            {
                // A volume referencing a claim wakes that claim; a free volume wakes every claim still waiting for one.
                var claims = sp.GetRequiredService<SharedInformerFactory>().GetLister<PersistentVolumeClaim>();
                return volume => VolumeMatching.ClaimKeyOf(volume) is { } key
                    ? [ObjectKey.Parse(key)]
                    : claims.List().Where(c => !c.IsBound() && string.IsNullOrEmpty(c.Spec.VolumeName)).Select(ObjectKey.Of);
            })
            .WithReconciler(sp => new PersistentVolumeClaimBinder(
                sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SharedInformerFactory>(),
                sp.GetRequiredService<IEventRecorderFactory>(),
                sp.GetRequiredService<IOptions<PersistentVolumeBinderOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                Logger(sp, PersistentVolumeClaimBinder.Name))));

        services.AddController(ControllerBuilder.For<PersistentVolume>(PersistentVolumeReclaimer.Name)
            .Watches<PersistentVolumeClaim>(static sp =>
            {
                var volumes = sp.GetRequiredService<SharedInformerFactory>().GetInformer<PersistentVolume>();
                volumes.AddIndexer(VolumeMatching.VolumesByClaim, static v => VolumeMatching.ClaimKeyOf(v) is { } key ? [key] : []);
                return claim => volumes.Lister.ByIndex(VolumeMatching.VolumesByClaim, ObjectKey.Of(claim).ToString()).Select(ObjectKey.Of);
            })
            .WithReconciler(sp => new PersistentVolumeReclaimer(
                sp.GetRequiredService<IObjectStore>(),
                sp.GetRequiredService<SharedInformerFactory>(),
                sp.GetRequiredService<IOptions<PersistentVolumeBinderOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                Logger(sp, PersistentVolumeReclaimer.Name))));
        return services;
    }

    private static ILogger Logger(IServiceProvider services, string name) =>
        (services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger($"Orchestrator.Controllers.{name}");

    /// <summary>Marks the binder as registered, so a second call does not add a second one.</summary>
    private sealed class PersistentVolumeBinderMarker;
}
