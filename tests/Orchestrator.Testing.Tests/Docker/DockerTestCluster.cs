using Orchestrator.Docker.Hosting;
using Orchestrator.Runtime;

namespace Orchestrator.Testing.Tests.Docker;

/// <summary>
/// The Docker side of these tests: the busybox test image of <c>.ci/docker-env.sh</c> (it is also the sandbox image, so
/// nothing is pulled), and the shared policy: without an engine or the image the tests are ignored on a developer machine
/// and fail under <c>CI=true</c>.
/// </summary>
internal static class DockerTestCluster
{
    public const string Image = "orchestrator-test/busybox:1.0";

    public static TestClusterBuilder Builder() => new TestClusterBuilder().WithDocker(Configure);

    public static void Configure(DockerRuntimeOptions options)
    {
        options.SandboxImage = Image;
        options.SandboxCommand.AddRange(["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]);
    }

    /// <summary>Starts a Docker-backed cluster, or ignores (fails under CI) the test when Docker or the image is missing.</summary>
    public static async Task<TestCluster> StartAsync(CancellationToken ct)
    {
        TestCluster cluster;
        try
        {
            cluster = await Builder().StartAsync(ct);
        }
        catch (ContainerRuntimeException e)
        {
            Unavailable(e.Message);
            throw;
        }
        var nodes = (DockerNodes)cluster.Services.GetService(typeof(DockerNodes))!;
        if (await nodes[0].Runtime.GetImageAsync(Image, ct) is null)
        {
            await cluster.DisposeAsync();
            Unavailable($"the engine has no {Image}");
        }
        return cluster;
    }

    /// <summary>
    /// The containers and sandboxes of cluster id <paramref name="clusterId"/> on the local engine; with
    /// <paramref name="purge"/>, removes them afterwards (only when no host of that cluster runs).
    /// </summary>
    public static async Task<int> CountContainersAsync(string clusterId, CancellationToken ct, bool purge = true)
    {
        var options = new DockerRuntimeOptions { ClusterId = clusterId, RemoveLeftovers = false };
        Configure(options);
        await using var nodes = await DockerNodes.ConnectAsync(options, cancellationToken: ct);
        try
        {
            var runtime = nodes[0].Runtime;
            return (await runtime.ListSandboxesAsync(cancellationToken: ct)).Count + (await runtime.ListContainersAsync(cancellationToken: ct)).Count;
        }
        finally
        {
            // Connecting creates the cluster's network again; remove it (and, when asked, what is counted).
            if (purge) await nodes.PurgeAsync(ct);
        }
    }

    private static void Unavailable(string reason)
    {
        var message = $"Docker is not available: {reason}. Run `sudo bash .ci/docker-env.sh` to prepare it.";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            Assert.Fail("CI=true: a missing Docker engine fails the Docker tests instead of skipping them. " + message);
        }
        Assert.Ignore(message);
    }
}
