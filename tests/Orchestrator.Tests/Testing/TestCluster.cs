using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Api.Selectors;
using Orchestrator.Controllers;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Tests.Testing;

/// <summary>
/// A real mini-cluster for controller tests, in one <see cref="IHost"/> on one clock: the in-memory store, the scheduler,
/// simulated nodes run by node agents, the garbage collector, the endpoints controller, and whatever the test registers (its controllers).
/// </summary>
/// <remarks>
/// With a <see cref="FakeTimeProvider"/> nothing that waits on the clock (minReadySeconds, deadlines, probe periods, back-off)
/// happens until the test calls <see cref="FakeTimeProvider.Advance"/>; everything else (creating, scheduling, starting and
/// deleting pods) runs at once. Waits poll the store with a bounded timeout and fail the test with a description.
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await TestCluster.StartAsync(s => s.AddReplicaSetController(), ct: ct);
/// await cluster.Store.CreateAsync(replicaSet, ct);
/// await cluster.UntilAsync(() => cluster.ActivePods("default", "app=web").Count == 3, "three pods run", ct);
/// </code>
/// </example>
internal sealed class TestCluster : IAsyncDisposable
{
    /// <summary>How long a wait polls before it fails the test.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    /// <summary>The image every node has preloaded; use it in templates so no pull is simulated.</summary>
    public const string Image = "busybox:1.36";

    private TestCluster(IHost host, InMemoryObjectStore store, TimeProvider time)
    {
        Host = host;
        Store = store;
        Time = time;
    }

    public IHost Host { get; }

    /// <summary>The store itself (not the decorated one the components write through), for the test's own reads and writes.</summary>
    public InMemoryObjectStore Store { get; }

    public TimeProvider Time { get; }

    /// <summary>The clock when the cluster runs on fake time; null on the system clock.</summary>
    public FakeTimeProvider? FakeTime => Time as FakeTimeProvider;

    /// <summary>The simulated nodes, to inspect or program their runtimes.</summary>
    public SimulatedNodes Nodes => Host.Services.GetRequiredService<SimulatedNodes>();

    /// <summary>The informers the cluster's components share.</summary>
    public SharedInformerFactory Informers => Host.Services.GetRequiredService<SharedInformerFactory>();

    /// <summary>
    /// Starts a cluster with <paramref name="nodes"/> Ready simulated nodes, the scheduler and the garbage collector, plus
    /// the services <paramref name="configure"/> adds; returns once every node is registered and Ready.
    /// </summary>
    /// <param name="configure">Registers the components under test, e.g. <c>s =&gt; s.AddReplicaSetController()</c>.</param>
    /// <param name="nodes">How many simulated nodes.</param>
    /// <param name="time">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="configureNodes">Adjusts the simulated nodes (capacity, labels, behaviour).</param>
    /// <param name="decorateStore">
    /// Wraps the store the components see, e.g. to reject some writes the way an admission plugin or a quota would.
    /// </param>
    /// <param name="ct">Bounds the start.</param>
    public static async Task<TestCluster> StartAsync(
        Action<IServiceCollection>? configure = null, int nodes = 3, TimeProvider? time = null,
        Action<SimulatedNodeOptions>? configureNodes = null, Func<IObjectStore, IObjectStore>? decorateStore = null,
        CancellationToken ct = default)
    {
        time ??= TimeProvider.System;
        var store = new InMemoryObjectStore(time);
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(decorateStore?.Invoke(store) ?? store);
        builder.Services.AddSingleton(time);
        builder.Services.AddLogging();
        builder.Services.AddScheduler();
        builder.Services.AddGarbageCollector();
        builder.Services.AddEndpointsController();
        builder.Services.AddSimulatedNodes(nodes, o =>
        {
            o.PreloadedImages.Add(Image);
            configureNodes?.Invoke(o);
        });
        configure?.Invoke(builder.Services);
        var host = builder.Build();
        var cluster = new TestCluster(host, store, time);
        try
        {
            await host.StartAsync(ct);
            await cluster.UntilAsync(() => cluster.ReadyNodeCount() == nodes, $"{nodes} nodes are Ready", ct);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <paramref name="timeout"/> (or when <paramref name="ct"/> ends).</summary>
    public Task UntilAsync(Func<bool> condition, string because, CancellationToken ct, TimeSpan? timeout = null) =>
        UntilAsync(condition, because, () => null, ct, timeout);

    /// <summary>Like <see cref="UntilAsync(Func{bool}, string, CancellationToken, TimeSpan?)"/>; on failure adds what <paramref name="describe"/> reports about the last state.</summary>
    public async Task UntilAsync(Func<bool> condition, string because, Func<string?> describe, CancellationToken ct, TimeSpan? timeout = null)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (limit.IsCancellationRequested) Assert.Fail($"Timed out waiting until {because}. {describe()}");
            await Task.Delay(5, CancellationToken.None);
        }
    }

    /// <summary>Polls until the stored object named <paramref name="name"/> satisfies <paramref name="condition"/>; returns it.</summary>
    public async Task<T> UntilAsync<T>(string? ns, string name, Func<T, bool> condition, string because, CancellationToken ct, TimeSpan? timeout = null)
        where T : KubernetesObject
    {
        T? last = null;
        await UntilAsync(() => (last = Get<T>(ns, name)) is { } obj && condition(obj), $"{typeof(T).Name} {ns}/{name} {because}", ct, timeout);
        return last!;
    }

    /// <summary>The stored object, or null; reads the store, not an informer.</summary>
    public T? Get<T>(string? ns, string name) where T : KubernetesObject =>
        (T?)Store.GetAsync(ApiResources.For<T>(), ns, name).AsTask().GetAwaiter().GetResult();

    /// <summary>The stored objects of <typeparamref name="T"/> in <paramref name="ns"/> matching <paramref name="labelSelector"/>.</summary>
    public IReadOnlyList<T> List<T>(string? ns = null, string? labelSelector = null) where T : KubernetesObject =>
        Store.ListAsync<T>(new ListOptions { Namespace = ns, LabelSelector = labelSelector }).AsTask().GetAwaiter().GetResult().Items;

    /// <summary>Pods that count as replicas: not being deleted and not Succeeded or Failed.</summary>
    public IReadOnlyList<Pod> ActivePods(string ns, string? labelSelector = null) =>
        [.. List<Pod>(ns, labelSelector).Where(p => p.Metadata.DeletionTimestamp is null && !p.IsTerminal())];

    /// <summary>The events recorded about the object named <paramref name="name"/>.</summary>
    public IReadOnlyList<Event> EventsFor(string ns, string name) =>
        [.. List<Event>(ns).Where(e => e.InvolvedObject.Name == name)];

    /// <summary>True when <paramref name="labels"/> match the selector text.</summary>
    public static bool Matches(string selector, IReadOnlyDictionary<string, string> labels) => Selector.Parse(selector).Matches(labels);

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await Host.StopAsync(stop.Token);
        }
        finally
        {
            Host.Dispose();
            Store.Dispose();
        }
    }

    private int ReadyNodeCount() =>
        List<Node>().Count(n => n.Status?.Conditions.Any(c => c.Type == NodeConditionType.Ready && c.Status == ConditionStatus.True) == true);
}
