using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Docker.Hosting;
using Orchestrator.Hosting;
using Orchestrator.NodeAgent;

namespace Orchestrator.Testing.Tests.Docker;

/// <summary>
/// An application host built with <c>AddOrchestrator().AddDockerRuntime()</c>, started and stopped as an application
/// does. Stopping the host is a kubelet stopping: containers of pods that still exist keep running, and the next start
/// of the application (a fresh store, where those pods do not exist) removes them. Deleting the workloads before
/// stopping leaves nothing.
/// </summary>
[NonParallelizable]
public sealed class DockerHostingTests
{
    private const string Manifest = """
        apiVersion: v1
        kind: Namespace
        metadata: {name: hosting}
        ---
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: sleeper, namespace: hosting}
        spec:
          replicas: 2
          selector: {matchLabels: {app: sleeper}}
          template:
            metadata: {labels: {app: sleeper}}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
              - {name: main, image: orchestrator-test/busybox:1.0, command: [sleep, "3600"]}
        """;

    [Test, CancelAfter(240_000)]
    public async Task StopAsync_DockerHost_ContainersOfARunAreGoneAfterTheNextStartOrAfterTheirPodsAreDeleted(CancellationToken ct)
    {
        await (await DockerTestCluster.StartAsync(ct)).DisposeAsync(); // Ignores the test (fails it under CI) without Docker.
        var clusterId = $"hosting-{Guid.NewGuid():N}"[..20];
        try
        {
            // Given an application that ran a Deployment on Docker and stopped without deleting it
            using (var first = Build(clusterId))
            {
                await first.StartAsync(ct);
                var client = first.Services.GetRequiredService<IOrchestratorClient>();
                await client.WaitForNodesAsync(1, TimeSpan.FromSeconds(60), ct);
                await client.ApplyAsync(Manifest, cancellationToken: ct);
                await client.WaitForReadyAsync<Deployment>("hosting", "sleeper", TimeSpan.FromSeconds(90), ct);
                await first.StopAsync(ct);
                AssertStoppedCleanly(first);
            }
            Assert.That(await DockerTestCluster.CountContainersAsync(clusterId, ct, purge: false), Is.GreaterThanOrEqualTo(4),
                "the pods' sandboxes and containers outlive the stopped host, as containers outlive a stopped kubelet");

            // When the application starts again (a fresh store, where those pods do not exist)
            using var second = Build(clusterId);
            await second.StartAsync(ct);
            var again = second.Services.GetRequiredService<IOrchestratorClient>();
            await again.WaitForNodesAsync(1, TimeSpan.FromSeconds(60), ct);

            // Then its node agent removes what the first run left
            var runtime = second.Services.GetRequiredService<DockerNodes>()[0].Runtime;
            while ((await runtime.ListSandboxesAsync(cancellationToken: ct)).Count + (await runtime.ListContainersAsync(cancellationToken: ct)).Count > 0)
            {
                await Task.Delay(200, ct); // Polls, bounded by the test's token.
            }

            // And when it runs the Deployment again, deletes it and stops, nothing is left on the engine
            await again.ApplyAsync(Manifest, cancellationToken: ct);
            await again.WaitForReadyAsync<Deployment>("hosting", "sleeper", TimeSpan.FromSeconds(90), ct);
            await again.DeleteAsync<Namespace>(null, "hosting", cancellationToken: ct);
            await again.WaitForDeletionAsync<Namespace>(null, "hosting", TimeSpan.FromSeconds(60), ct);
            await second.StopAsync(ct);
            AssertStoppedCleanly(second);
            Assert.That(await DockerTestCluster.CountContainersAsync(clusterId, ct, purge: false), Is.Zero);
        }
        finally
        {
            using var cleanup = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await DockerTestCluster.CountContainersAsync(clusterId, cleanup.Token); // Purges whatever a failure left.
        }
    }

    private static IHost Build(string clusterId)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddOrchestrator().AddDockerRuntime(o =>
        {
            o.ClusterId = clusterId;
            DockerTestCluster.Configure(o);
        });
        return builder.Build();
    }

    /// <summary>Every component's loop ended without an error.</summary>
    private static void AssertStoppedCleanly(IHost host)
    {
        var loops = host.Services.GetServices<IHostedService>().OfType<BackgroundService>()
            .Append(host.Services.GetRequiredService<NodeAgentHost>()).ToList();
        Assert.That(loops.Select(l => (l.GetType().Name, l.ExecuteTask?.Status)),
            Has.All.Matches<(string, TaskStatus? Status)>(l => l.Status == TaskStatus.RanToCompletion));
    }
}
