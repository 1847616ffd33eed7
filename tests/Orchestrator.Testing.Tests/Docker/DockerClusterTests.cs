using System.Text.Json;
using Orchestrator.Api;

namespace Orchestrator.Testing.Tests.Docker;

/// <summary>The harness on a real Docker engine: reachable pods, clean teardown, and reaping after a crashed session.</summary>
[NonParallelizable]
public sealed class DockerClusterTests
{
    [Test, CancelAfter(180_000)]
    public async Task StartGroupAsync_OnDocker_PodIsReachableAndDisposingLeavesNoContainers(CancellationToken ct)
    {
        // Given a Docker-backed cluster and an HTTP server pod
        var cluster = await DockerTestCluster.StartAsync(ct);
        var clusterId = $"orchtest-{cluster.SessionId}";
        try
        {
            var web = new PodBuilder("web")
                .WithImage(DockerTestCluster.Image)
                .WithCommand("httpd", "-f", "-p", "8080", "-h", "/var/www")
                .WithPort(8080)
                .WithReadinessTcp(8080);

            // When it starts as a group
            await using var group = await cluster.StartGroupAsync([web], ct);

            // Then the test process reaches it at the address the group gives
            var endpoint = await group.GetEndpointAsync("web", 8080, ct);
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            var body = await http.GetStringAsync($"http://{endpoint}/", ct);
            Assert.That(body.Trim(), Is.EqualTo("orchestrator-test"));
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        // And nothing of the session is left on the engine
        Assert.That(await DockerTestCluster.CountContainersAsync(clusterId, ct), Is.Zero);
    }

    [Test, CancelAfter(180_000)]
    public async Task Reaper_SessionOfACrashedProcess_IsRemovedByTheNextSession(CancellationToken ct)
    {
        // Given a session whose process "crashed" with a pod running: its containers and session file are left behind
        var crashed = await DockerTestCluster.StartAsync(ct);
        var clusterId = $"orchtest-{crashed.SessionId}";
        await crashed.StartGroupAsync([new PodBuilder("orphan").WithImage(DockerTestCluster.Image).WithCommand("sleep", "3600")], ct);
        var sessionFile = crashed.SessionFile!;
        await crashed.AbandonAsync();
        MarkProcessGone(sessionFile);
        Assert.That(await DockerTestCluster.CountContainersAsync(clusterId, ct), Is.GreaterThan(0), "the crash left containers behind");

        // When the next session starts
        await using (await DockerTestCluster.StartAsync(ct))
        {
        }

        // Then the crashed session's containers and file are gone
        Assert.That(await DockerTestCluster.CountContainersAsync(clusterId, ct), Is.Zero);
        Assert.That(File.Exists(sessionFile), Is.False);
    }

    /// <summary>Rewrites a session file as if its process had exited (a process id that cannot exist).</summary>
    private static void MarkProcessGone(string path)
    {
        var record = JsonSerializer.Deserialize<SessionRegistry.SessionRecord>(File.ReadAllText(path), new JsonSerializerOptions(JsonSerializerDefaults.Web))!;
        File.WriteAllText(path, JsonSerializer.Serialize(record with { ProcessId = int.MaxValue }, new JsonSerializerOptions(JsonSerializerDefaults.Web)));
    }
}
