using System.Collections.Immutable;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime.Simulated;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Benchmarks.Deployments;

/// <summary>
/// Scenario <c>deployment</c>: the whole control plane in-process (store, scheduler, Deployment and ReplicaSet
/// controllers, node agents) on 100 simulated nodes. Creates a 1,000-replica Deployment (RollingUpdate, maxSurge 25%,
/// maxUnavailable 25%) and measures until it is complete (every replica available); then changes its template and
/// measures until that rollout is complete. Prints one JSON line with <c>scale_up_1000_ms</c>, <c>rollout_1000_ms</c>
/// and <c>reconciles_per_s</c> (reconciles of the Deployment and ReplicaSet controllers over both phases), plus the
/// process CPU time of both phases (<c>cpu_ms</c>). A 50-replica Deployment in another namespace goes through the same
/// steps first, unmeasured, to warm up the JIT and serializers. Targets: ≤ 2,000 ms and ≤ 5,000 ms. Options:
/// <c>--replicas N</c>, <c>--nodes N</c>.
/// </summary>
internal static class DeploymentScenario
{
    private const string Ns = "default";
    private const string WarmUpNs = "warm-up";
    private const string Name = "bench";
    private const string Image = "registry.k8s.io/pause:3.10";

    public static async Task<int> RunAsync(string[] args)
    {
        var replicas = Option(args, "--replicas", 1000);
        var nodeCount = Option(args, "--nodes", 100);
        var time = TimeProvider.System;
        using var store = new InMemoryObjectStore(time);

        var services = new ServiceCollection();
        services.AddSingleton<IObjectStore>(store);
        services.AddSingleton(time);
        services.AddScheduler();
        services.AddSimulatedNodes(nodeCount, o =>
        {
            o.Pods = Math.Max(110, replicas * 2 / nodeCount + 10);
            o.PreloadedImages.Add(Image);
        });
        services.AddDeploymentController();
        await using var provider = services.BuildServiceProvider();

        long reconciles = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ControllerDiagnostics.MeterName && instrument.Name == "orchestrator.controller.reconciles") l.EnableMeasurementEvents(instrument);
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "controller", Value: DeploymentReconciler.Name or ReplicaSetReconciler.Name }) Interlocked.Add(ref reconciles, value);
            }
        });
        listener.Start();

        using var setup = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        var hosted = provider.GetServices<IHostedService>().ToArray();
        foreach (var service in hosted) await service.StartAsync(setup.Token);
        while ((await store.ListAsync<Node>(cancellationToken: setup.Token)).Items.Count(IsReady) < nodeCount) await Task.Delay(10, setup.Token);
        await provider.GetRequiredService<SharedInformerFactory>().WaitForCacheSyncAsync(setup.Token);

        var rollouts = new DeploymentRollouts(store);
        using var run = new CancellationTokenSource(TimeSpan.FromMinutes(3));

        // Warm-up, not measured: a small Deployment in its own namespace goes through the same steps (create, roll out,
        // scale to zero), so that JIT compilation and serializer metadata are not part of the figures.
        await store.CreateAsync(new Namespace { Metadata = new ObjectMeta { Name = WarmUpNs } }, run.Token);
        await ScaleUpAndRollOutAsync(store, rollouts, WarmUpNs, Math.Min(50, replicas), run.Token);
        await store.UpdateWithRetryAsync<Deployment>(WarmUpNs, Name, d => d with { Spec = d.Spec with { Replicas = 0 } }, run.Token);
        while ((await store.ListAsync<Pod>(new ListOptions { Namespace = WarmUpNs }, run.Token)).Items.Count > 0) await Task.Delay(10, run.Token);
        Interlocked.Exchange(ref reconciles, 0);

        var cpuStart = Process.GetCurrentProcess().TotalProcessorTime;
        using var invariant = new RolloutInvariant(store, Ns, replicas, maxSurge: replicas / 4 + (replicas % 4 == 0 ? 0 : 1), maxUnavailable: replicas / 4);
        var (scaleUp, rollout) = await ScaleUpAndRollOutAsync(store, rollouts, Ns, replicas, run.Token, invariant);
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuStart;
        var total = scaleUp + rollout;
        Console.Error.WriteLine($"deployment: {replicas} replicas available on {nodeCount} nodes in {scaleUp.TotalMilliseconds:F0} ms");
        Console.Error.WriteLine($"deployment: rolled {replicas} replicas to a new template in {rollout.TotalMilliseconds:F0} ms");

        foreach (var service in hosted.Reverse()) await service.StopAsync(CancellationToken.None);
        var count = Interlocked.Read(ref reconciles);
        var result = new Dictionary<string, object>
        {
            ["scenario"] = "deployment",
            ["replicas"] = replicas,
            ["nodes"] = nodeCount,
            ["scale_up_1000_ms"] = Math.Round(scaleUp.TotalMilliseconds, 1),
            ["rollout_1000_ms"] = Math.Round(rollout.TotalMilliseconds, 1),
            ["reconciles_per_s"] = Math.Round(count / total.TotalSeconds, 1),
            ["reconciles"] = count,
            ["cpu_ms"] = Math.Round(cpu.TotalMilliseconds, 0),
            ["rollout_states_checked"] = invariant.States,
            ["rollout_violations"] = invariant.Violations,
            ["cores"] = Environment.ProcessorCount,
        };
        Console.WriteLine(JsonSerializer.Serialize(result));
        return scaleUp.TotalMilliseconds <= 2000 && rollout.TotalMilliseconds <= 5000 ? 0 : 1;
    }

    /// <summary>Creates the Deployment and waits until it is complete, then changes its template and waits again.</summary>
    private static async Task<(TimeSpan ScaleUp, TimeSpan Rollout)> ScaleUpAndRollOutAsync(
        InMemoryObjectStore store, DeploymentRollouts rollouts, string ns, int replicas, CancellationToken ct, RolloutInvariant? invariant = null)
    {
        var start = Stopwatch.GetTimestamp();
        await store.CreateAsync(NewDeployment(ns, replicas), ct);
        await rollouts.WaitForRolloutAsync(ns, Name, ct);
        var scaleUp = Stopwatch.GetElapsedTime(start);
        invariant?.Start();

        start = Stopwatch.GetTimestamp();
        await store.UpdateWithRetryAsync<Deployment>(ns, Name, d => d with
        {
            Spec = d.Spec with { Template = d.Spec.Template with { Metadata = d.Spec.Template.Metadata with { Annotations = Version(2) } } },
        }, ct);
        await rollouts.WaitForRolloutAsync(ns, Name, ct);
        return (scaleUp, Stopwatch.GetElapsedTime(start));
    }

    private static Deployment NewDeployment(string ns, int replicas)
    {
        var labels = ImmutableDictionary<string, string>.Empty.Add("app", Name);
        return new Deployment
        {
            Metadata = new ObjectMeta { Name = Name, Namespace = ns },
            Spec = new DeploymentSpec
            {
                Replicas = replicas,
                Selector = new LabelSelector { MatchLabels = labels },
                Strategy = new DeploymentStrategy
                {
                    Type = DeploymentStrategyType.RollingUpdate,
                    RollingUpdate = new RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = "25%" },
                },
                Template = new PodTemplateSpec
                {
                    Metadata = new ObjectMeta { Labels = labels, Annotations = Version(1) },
                    Spec = new PodSpec { Containers = [new Container { Name = "app", Image = Image }] },
                },
            },
        };
    }

    private static IReadOnlyDictionary<string, string> Version(int version) =>
        ImmutableDictionary<string, string>.Empty.Add("example.com/version", version.ToString(CultureInfo.InvariantCulture));

    private static bool IsReady(Node node) =>
        node.Status?.Conditions.Any(c => c.Type == NodeConditionType.Ready && c.Status == ConditionStatus.True) == true;

    private static int Option(string[] args, string name, int fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : fallback;
    }
}
