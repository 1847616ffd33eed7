using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Api.Selectors;
using Orchestrator.Store;

namespace Orchestrator.Controllers;

/// <summary>
/// The endpoints controller (Kubernetes' <c>endpoint-controller</c>): keeps, for each Service with a selector, an
/// Endpoints object of the same name listing the pods the selector matches (see <see cref="EndpointSubsets.For"/>),
/// and deletes it when the Service is deleted. Reconciles Service keys; pod changes map to the services selecting the
/// pod before and after the change.
/// </summary>
/// <remarks>
/// Services of type ExternalName and Services without a selector are left alone: their Endpoints, if any, belong to
/// the user. The Endpoints carries the Service's labels, plus <c>service.kubernetes.io/headless</c> for a headless
/// Service. Nothing is written when the subsets and labels are already as computed. Failed writes are recorded as
/// <c>FailedToCreateEndpoint</c> / <c>FailedToUpdateEndpoint</c> warning events on the Endpoints and retried with
/// back-off; a create refused because the namespace is terminating is dropped.
/// </remarks>
internal sealed class EndpointsReconciler : IReconciler
{
    /// <summary>The controller name in logs, metrics and events.</summary>
    public const string Name = "endpoint-controller";

    /// <summary>The label Kubernetes puts on the Endpoints of a headless Service.</summary>
    public const string HeadlessLabel = "service.kubernetes.io/headless";

    private readonly IObjectStore _store;
    private readonly ILister<Service> _services;
    private readonly ILister<Pod> _pods;
    private readonly ILister<Endpoints> _endpoints;
    private readonly IEventRecorder _events;
    private readonly ILogger _logger;

    public EndpointsReconciler(IObjectStore store, SharedInformerFactory informers, IEventRecorderFactory events, ILogger logger)
    {
        _store = store;
        _services = informers.GetLister<Service>();
        _pods = informers.GetLister<Pod>();
        _endpoints = informers.GetLister<Endpoints>();
        _events = events.CreateRecorder(Name);
        _logger = logger;
    }

    /// <summary>True when the controller manages the Endpoints of <paramref name="service"/>.</summary>
    public static bool Manages(Service service) => service.Spec.Type != ServiceType.ExternalName && service.Spec.Selector.Count > 0;

    /// <summary>True when <paramref name="service"/> selects <paramref name="pod"/> (same namespace, every selector label).</summary>
    public static bool Selects(Service service, Pod pod)
    {
        if (service.Metadata.Namespace != pod.Metadata.Namespace || service.Spec.Selector.Count == 0) return false;
        var labels = pod.Metadata.Labels;
        foreach (var (key, value) in service.Spec.Selector)
        {
            if (!labels.TryGetValue(key, out var actual) || actual != value) return false;
        }
        return true;
    }

    /// <inheritdoc/>
    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var service = _services.Get(key);
        if (service is null)
        {
            await DeleteEndpointsAsync(key, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }
        if (!Manages(service)) return ReconcileResult.Done;

        var pods = _pods.List(key.Namespace, Selector.FromLabels(service.Spec.Selector));
        var subsets = EndpointSubsets.For(service, pods);
        var labels = LabelsFor(service);
        var current = _endpoints.Get(key);
        if (current is not null && EndpointSubsets.Equal(current.Subsets, subsets) && LabelsEqual(current.Metadata.Labels, labels))
        {
            return ReconcileResult.Done;
        }

        var desired = current is null
            ? new Endpoints { Metadata = new ObjectMeta { Name = key.Name, Namespace = key.Namespace, Labels = labels }, Subsets = subsets }
            : current with { Metadata = current.Metadata with { Labels = labels }, Subsets = subsets };
        try
        {
            if (current is null) await _store.CreateAsync(desired, cancellationToken).ConfigureAwait(false);
            else await _store.UpdateAsync(desired, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex is not ConflictException and not AlreadyExistsException)
        {
            // A namespace being deleted accepts no new content; the namespace controller deletes the service next.
            if (current is null && ex is ForbiddenException && await IsTerminatingAsync(key.Namespace, cancellationToken).ConfigureAwait(false))
            {
                return ReconcileResult.Done;
            }
            _events.Warning(desired, current is null ? "FailedToCreateEndpoint" : "FailedToUpdateEndpoint", current is null
                ? $"Failed to create endpoint for service {key.Namespace}/{key.Name}: {ex.Message}"
                : $"Failed to update endpoint {key.Namespace}/{key.Name}: {ex.Message}");
            throw;
        }
        EndpointsLog.Synced(_logger, current is null ? "Created" : "Updated", Count(subsets, ready: true), Count(subsets, ready: false));
        return ReconcileResult.Done;
    }

    private async Task DeleteEndpointsAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        if (_endpoints.Get(key) is null) return;
        try
        {
            await _store.DeleteAsync<Endpoints>(key.Namespace, key.Name, cancellationToken: cancellationToken).ConfigureAwait(false);
            EndpointsLog.Deleted(_logger);
        }
        catch (NotFoundException)
        {
            // Already gone.
        }
    }

    private async Task<bool> IsTerminatingAsync(string ns, CancellationToken cancellationToken) =>
        await _store.GetAsync<Namespace>(null, ns, cancellationToken).ConfigureAwait(false) is not { } n || n.Metadata.DeletionTimestamp is not null;

    private static IReadOnlyDictionary<string, string> LabelsFor(Service service)
    {
        var labels = service.Metadata.Labels;
        var headless = service.Spec.IsHeadless();
        if (headless == labels.ContainsKey(HeadlessLabel) && (!headless || labels[HeadlessLabel] == "")) return labels;
        var builder = labels.ToImmutableDictionary(StringComparer.Ordinal).ToBuilder();
        if (headless) builder[HeadlessLabel] = "";
        else builder.Remove(HeadlessLabel);
        return builder.ToImmutable();
    }

    private static bool LabelsEqual(IReadOnlyDictionary<string, string> a, IReadOnlyDictionary<string, string> b) =>
        ReferenceEquals(a, b) || (a.Count == b.Count && a.All(pair => b.TryGetValue(pair.Key, out var value) && value == pair.Value));

    private static int Count(IReadOnlyList<EndpointSubset> subsets, bool ready) =>
        subsets.Sum(s => ready ? s.Addresses.Count : s.NotReadyAddresses.Count);
}
