using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Api.Errors;
using Orchestrator.Controllers;
using Orchestrator.Manifests;
using Orchestrator.NodeAgent;
using Orchestrator.Store;

namespace Orchestrator.Client;

/// <summary>
/// The <see cref="IOrchestratorClient"/> over an object store, and over the runtimes of the nodes for logs and exec.
/// <see cref="Hosting.OrchestratorServiceCollectionExtensions.AddOrchestrator"/> registers one; create one yourself over a
/// store and nodes you run.
/// </summary>
/// <example>
/// <code>
/// var nodes = SimulatedNodes.Create(3);
/// var client = new OrchestratorClient(store, nodes.Registrations);
/// await client.ApplyAsync(File.ReadAllText("app.yaml"));
/// var web = await client.WaitForReadyAsync&lt;Deployment&gt;("default", "web", TimeSpan.FromMinutes(1));
/// </code>
/// </example>
public sealed partial class OrchestratorClient : IOrchestratorClient
{
    private readonly INodeRuntimeLocator? _runtimes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ManifestApplier _applier;
    private readonly DeploymentRollouts _rollouts;
    private readonly Describer _describer;

    /// <summary>Creates a client over <paramref name="store"/>.</summary>
    /// <param name="store">The cluster's store.</param>
    /// <param name="nodes">The nodes whose runtimes serve logs and exec; without them those two throw.</param>
    /// <param name="options">Timeouts and diagnostics; the defaults when null.</param>
    /// <param name="timeProvider">The clock of wait timeouts and restart stamps; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="loggerFactory">Where the client logs (category <c>Orchestrator.Client</c>); nowhere when null.</param>
    public OrchestratorClient(IObjectStore store, IEnumerable<NodeRegistration>? nodes = null, OrchestratorClientOptions? options = null,
        TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(store, nodes is null ? null : new StaticNodeRuntimes(nodes), options, timeProvider, loggerFactory)
    {
    }

    internal OrchestratorClient(IObjectStore store, INodeRuntimeLocator? runtimes, OrchestratorClientOptions? options, TimeProvider? timeProvider,
        ILoggerFactory? loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(store);
        Store = store;
        _runtimes = runtimes;
        Options = options ?? new OrchestratorClientOptions();
        _time = timeProvider ?? TimeProvider.System;
        loggerFactory ??= NullLoggerFactory.Instance;
        _logger = loggerFactory.CreateLogger("Orchestrator.Client");
        _applier = new ManifestApplier(store, loggerFactory.CreateLogger<ManifestApplier>());
        _rollouts = new DeploymentRollouts(store, _time);
        _describer = new Describer(this);
    }

    /// <inheritdoc/>
    public IObjectStore Store { get; }

    /// <summary>The timeouts and diagnostics settings.</summary>
    public OrchestratorClientOptions Options { get; }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApplyResult>> ApplyAsync(string manifest, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var documents = ManifestReader.Parse(manifest, "<manifest>", ManifestOptionsFor(@namespace));
        return await ApplyDocumentsAsync(documents, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ApplyResult>> ApplyFileAsync(string path, string? @namespace = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var documents = await ManifestReader.ParseFileAsync(path, ManifestOptionsFor(@namespace), cancellationToken).ConfigureAwait(false);
        return await ApplyDocumentsAsync(documents, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<T> ApplyAsync<T>(T obj, CancellationToken cancellationToken = default) where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = ApiResources.For(obj.GetType());
        if (kind.Namespaced && string.IsNullOrEmpty(obj.Metadata.Namespace))
        {
            obj = obj with { Metadata = obj.Metadata with { Namespace = "default" } };
        }
        var results = await ApplyDocumentsAsync([new ManifestDocument(obj, $"<{kind.Singular}>", 1, 1, [])], cancellationToken).ConfigureAwait(false);
        return (T)results[0].Object;
    }

    /// <inheritdoc/>
    public async Task<T?> GetAsync<T>(string? @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(name);
        return await Store.GetAsync<T>(NamespaceOf<T>(@namespace), name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<T>> ListAsync<T>(string? @namespace = null, string? labelSelector = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject =>
        (await Store.ListAsync<T>(new ListOptions { Namespace = @namespace, LabelSelector = labelSelector }, cancellationToken).ConfigureAwait(false)).Items;

    /// <inheritdoc/>
    public IObservable<WatchEvent<T>> Watch<T>(string? @namespace = null, string? labelSelector = null) where T : KubernetesObject =>
        Store.Watch<T>(new WatchOptions { Namespace = @namespace, LabelSelector = labelSelector });

    /// <inheritdoc/>
    public async Task<bool> DeleteAsync<T>(string? @namespace, string name, DeleteOptions? options = null, CancellationToken cancellationToken = default)
        where T : KubernetesObject
    {
        ArgumentNullException.ThrowIfNull(name);
        try
        {
            await Store.DeleteAsync<T>(NamespaceOf<T>(@namespace), name, options, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotFoundException)
        {
            return false;
        }
    }

    /// <inheritdoc/>
    public async Task<T> ScaleAsync<T>(string @namespace, string name, int replicas, CancellationToken cancellationToken = default) where T : KubernetesObject
    {
        ArgumentOutOfRangeException.ThrowIfNegative(replicas);
        ArgumentNullException.ThrowIfNull(name);
        var ns = NamespaceOf<T>(@namespace);
        KubernetesObject scaled = typeof(T) switch
        {
            var t when t == typeof(Deployment) => await Store.UpdateWithRetryAsync<Deployment>(ns, name,
                d => d.Spec.Replicas == replicas ? null : d with { Spec = d.Spec with { Replicas = replicas } }, cancellationToken).ConfigureAwait(false),
            var t when t == typeof(ReplicaSet) => await Store.UpdateWithRetryAsync<ReplicaSet>(ns, name,
                r => r.Spec.Replicas == replicas ? null : r with { Spec = r.Spec with { Replicas = replicas } }, cancellationToken).ConfigureAwait(false),
            var t when t == typeof(StatefulSet) => await Store.UpdateWithRetryAsync<StatefulSet>(ns, name,
                s => s.Spec.Replicas == replicas ? null : s with { Spec = s.Spec with { Replicas = replicas } }, cancellationToken).ConfigureAwait(false),
            var t when t == typeof(ReplicationController) => await Store.UpdateWithRetryAsync<ReplicationController>(ns, name,
                r => r.Spec.Replicas == replicas ? null : r with { Spec = r.Spec with { Replicas = replicas } }, cancellationToken).ConfigureAwait(false),
            _ => throw new NotSupportedException($"{typeof(T).Name} cannot be scaled; scale a Deployment, ReplicaSet, StatefulSet or ReplicationController."),
        };
        ClientLog.Scaled(_logger, typeof(T).Name, ns ?? "", name, replicas);
        return (T)scaled;
    }

    /// <inheritdoc/>
    public Task<string> DescribeAsync<T>(string? @namespace, string name, CancellationToken cancellationToken = default) where T : KubernetesObject =>
        DescribeAsync(ApiResources.For<T>(), NamespaceOf<T>(@namespace) ?? "", name, cancellationToken);

    /// <inheritdoc/>
    public Task<string> DescribeAsync(KubernetesObject obj, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var kind = ApiResources.For(obj.GetType());
        return DescribeAsync(kind, NamespaceOf(kind, obj.Metadata.Namespace) ?? "", obj.Metadata.Name ?? "", cancellationToken);
    }

    internal async Task<string> DescribeAsync(ResourceKind kind, string @namespace, string name, CancellationToken cancellationToken)
    {
        var current = await Store.GetAsync(kind, kind.Namespaced ? @namespace : null, name, cancellationToken).ConfigureAwait(false);
        return await _describer.DescribeAsync(kind, @namespace, name, current, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<ApplyResult>> ApplyDocumentsAsync(IReadOnlyList<ManifestDocument> documents, CancellationToken cancellationToken)
    {
        using var activity = ClientDiagnostics.ActivitySource.StartActivity("apply");
        activity?.SetTag("objects", documents.Count);
        try
        {
            var results = await _applier.ApplyAsync(documents, cancellationToken).ConfigureAwait(false);
            foreach (var result in results) ClientLog.Applied(_logger, result.ToString());
            return results;
        }
        catch (Exception e)
        {
            activity?.SetStatus(ActivityStatusCode.Error, e.Message);
            throw;
        }
    }

    private static ManifestOptions ManifestOptionsFor(string? @namespace) =>
        new() { DefaultNamespace = string.IsNullOrEmpty(@namespace) ? "default" : @namespace };

    /// <summary>The namespace to use for kind <typeparamref name="T"/>: null for cluster-scoped kinds, <c>default</c> when none is given.</summary>
    private static string? NamespaceOf<T>(string? @namespace) where T : KubernetesObject => NamespaceOf(ApiResources.For<T>(), @namespace);

    private static string? NamespaceOf(ResourceKind kind, string? @namespace) =>
        !kind.Namespaced ? null : string.IsNullOrEmpty(@namespace) ? "default" : @namespace;
}
