using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// Declares a controller: the kind it reconciles, what else it watches, its reconciler and its concurrency. Immutable:
/// every <c>With*</c>/<c>Owns</c>/<c>Watches</c> call returns a new builder. Register the result with
/// <see cref="ControllerServiceCollectionExtensions.AddController"/>.
/// </summary>
/// <example>
/// <code>
/// services.AddController(ControllerBuilder.For&lt;ReplicaSet&gt;("replicaset-controller")
///     .Owns&lt;Pod&gt;()
///     .WithReconciler&lt;ReplicaSetReconciler&gt;()
///     .WithWorkers(2));
/// </code>
/// </example>
public sealed class ControllerBuilder
{
    private ControllerBuilder(string name, ResourceKind kind, ImmutableList<ControllerWatch> sources)
    {
        Name = name;
        Kind = kind;
        Sources = sources;
    }

    /// <summary>The controller's name: in logs, metrics and traces; unique within a process.</summary>
    public string Name { get; }

    /// <summary>The kind whose keys are reconciled.</summary>
    public ResourceKind Kind { get; }

    /// <summary>How many keys are reconciled concurrently (client-go's worker count); 1 by default.</summary>
    public int Workers { get; private init; } = 1;

    internal ImmutableList<ControllerWatch> Sources { get; }

    internal Func<IServiceProvider, IReconciler>? ReconcilerFactory { get; private init; }

    internal Func<TimeProvider, IRateLimiter<ObjectKey>> RateLimiterFactory { get; private init; } =
        static time => RateLimiters.Default<ObjectKey>(time);

    /// <summary>
    /// Starts declaring a controller named <paramref name="name"/> that reconciles objects of kind
    /// <typeparamref name="T"/>: every add, update and delete of one enqueues its key.
    /// </summary>
    /// <exception cref="ArgumentException">The name is empty or <typeparamref name="T"/> is not a registered kind.</exception>
    public static ControllerBuilder For<T>(string name) where T : KubernetesObject
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ControllerBuilder(name, ApiResources.For<T>(), [ControllerWatch.Of<T>(static _ => static obj => [ObjectKey.Of(obj)])]);
    }

    /// <summary>
    /// Also watches <typeparamref name="TDependent"/> objects: a change to one enqueues the key of its controlling owner
    /// (the owner reference with <c>controller: true</c> of this controller's kind), before and after the change.
    /// </summary>
    public ControllerBuilder Owns<TDependent>() where TDependent : KubernetesObject
    {
        var owner = Kind;
        return With(sources: Sources.Add(ControllerWatch.Of<TDependent>(_ => obj => ControllerOwnerKeys(obj, owner))));
    }

    /// <summary>
    /// Also watches <typeparamref name="TOther"/> objects: a change to one enqueues the keys <paramref name="map"/> returns
    /// for its old and its new state. The function runs on the informer's delivery thread: keep it fast and pure.
    /// </summary>
    public ControllerBuilder Watches<TOther>(Func<TOther, IEnumerable<ObjectKey>> map) where TOther : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(map);
        return Watches<TOther>(_ => map);
    }

    /// <summary>
    /// Like <see cref="Watches{TOther}(Func{TOther, IEnumerable{ObjectKey}})"/>, for a mapping that needs services, e.g. a
    /// lister from <see cref="SharedInformerFactory"/>; <paramref name="mapFactory"/> is called once when the controller starts.
    /// </summary>
    public ControllerBuilder Watches<TOther>(Func<IServiceProvider, Func<TOther, IEnumerable<ObjectKey>>> mapFactory)
        where TOther : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(mapFactory);
        return With(sources: Sources.Add(ControllerWatch.Of(mapFactory)));
    }

    /// <summary>
    /// Uses a <typeparamref name="TReconciler"/> resolved from the service provider when the controller is created, or
    /// constructed with its dependencies injected when it is not registered. One instance serves every worker.
    /// </summary>
    public ControllerBuilder WithReconciler<TReconciler>() where TReconciler : class, IReconciler =>
        With(reconciler: static services => ActivatorUtilities.GetServiceOrCreateInstance<TReconciler>(services));

    /// <summary>Uses the given reconciler instance for every worker.</summary>
    public ControllerBuilder WithReconciler(IReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(reconciler);
        return With(reconciler: _ => reconciler);
    }

    /// <summary>Uses the reconciler <paramref name="factory"/> creates when the controller is created.</summary>
    public ControllerBuilder WithReconciler(Func<IServiceProvider, IReconciler> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return With(reconciler: factory);
    }

    /// <summary>Reconciles up to <paramref name="maxConcurrentReconciles"/> different keys at once (never one key twice).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is below 1.</exception>
    public ControllerBuilder WithWorkers(int maxConcurrentReconciles)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentReconciles, 1);
        return With(workers: maxConcurrentReconciles);
    }

    /// <summary>
    /// Replaces the rate limiter behind failures and <see cref="ReconcileResult.Requeue"/> (by default
    /// <see cref="RateLimiters.Default{TKey}"/>); the factory receives the host's clock.
    /// </summary>
    public ControllerBuilder WithRateLimiter(Func<TimeProvider, IRateLimiter<ObjectKey>> factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        return With(rateLimiter: factory);
    }

    private ControllerBuilder With(
        ImmutableList<ControllerWatch>? sources = null,
        Func<IServiceProvider, IReconciler>? reconciler = null,
        int? workers = null,
        Func<TimeProvider, IRateLimiter<ObjectKey>>? rateLimiter = null) =>
        new(Name, Kind, sources ?? Sources)
        {
            Workers = workers ?? Workers,
            ReconcilerFactory = reconciler ?? ReconcilerFactory,
            RateLimiterFactory = rateLimiter ?? RateLimiterFactory,
        };

    /// <summary>The key of the controlling owner of <paramref name="obj"/> when it is of kind <paramref name="owner"/>.</summary>
    internal static IEnumerable<ObjectKey> ControllerOwnerKeys(KubernetesObject obj, ResourceKind owner)
    {
        foreach (var reference in obj.Metadata.OwnerReferences)
        {
            if (reference.Controller != true || reference.Kind != owner.Kind || GroupOf(reference.ApiVersion) != owner.Group) continue;
            return [new ObjectKey(owner.Namespaced ? obj.Metadata.Namespace ?? "" : "", reference.Name)];
        }
        return [];
    }

    private static string GroupOf(string apiVersion)
    {
        var slash = apiVersion.IndexOf('/');
        return slash < 0 ? "" : apiVersion[..slash];
    }
}
