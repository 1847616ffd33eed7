using System.Diagnostics.CodeAnalysis;
using Orchestrator.Docker.Engine;

namespace Orchestrator.Docker.Tests;

/// <summary>
/// The one policy for tests that need a real Docker engine, and the names of what <c>.ci/docker-env.sh</c> prepares.
/// Without an engine (or without the test images) the tests are ignored on a developer machine and FAIL under
/// <c>CI=true</c>, so that CI can never pass by skipping them. Everything a test creates carries
/// <see cref="TestLabel"/>=true and a per-fixture <see cref="RunLabel"/>, and is removed by
/// <see cref="RemoveRunResourcesAsync"/> in teardown.
/// </summary>
internal static class DockerTestEnvironment
{
    /// <summary>Label on every container and network a test creates.</summary>
    public const string TestLabel = "orchestrator.test";

    /// <summary>Label whose value identifies one fixture run, for its teardown.</summary>
    public const string RunLabel = "orchestrator.test.run";

    public const string BusyboxImage = "orchestrator-test/busybox:1.0";
    public const string BusyboxLatestImage = "orchestrator-test/busybox:latest";
    public const string RegistryAddress = "127.0.0.1:5000";
    public const string RegistryImage = RegistryAddress + "/orchestrator-test/busybox:1.0";

    /// <summary>In the registry, but its config blob was removed: pulling it fails inside the progress stream.</summary>
    public const string BrokenRegistryImage = RegistryAddress + "/orchestrator-test/broken:1.0";

    /// <summary>The second engine's socket; <see cref="SecondHostVariable"/> overrides it.</summary>
    public const string SecondHostSocketPath = "/run/orch-docker2.sock";

    public const string SecondHostVariable = "ORCH_DOCKER_HOST2";

    /// <summary>The second engine's TLS listener and the client files that authenticate to it.</summary>
    public const string SecondHostTlsAddress = "tcp://127.0.0.1:12376";

    public const string SecondHostTlsCertificatePath = "/etc/orch-docker2/client";

    public const string SetupHint = "Run `sudo bash .ci/docker-env.sh` to install and start Docker and build the test images.";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The second engine's address: <c>ORCH_DOCKER_HOST2</c> (a socket path or a docker host) or the default socket.</summary>
    public static string SecondHost =>
        Environment.GetEnvironmentVariable(SecondHostVariable) switch
        {
            null or "" => "unix://" + SecondHostSocketPath,
            var path when path.StartsWith('/') => "unix://" + path,
            var host => host,
        };

    /// <summary>Connects to the engine found like the docker CLI finds it, or ignores/fails the test (see the type's remarks).</summary>
    public static async Task<DockerEngineClient> ConnectAsync(DockerEndpointOptions? options = null, bool requireTestImage = true, CancellationToken ct = default)
    {
        DockerEngineClient client;
        try
        {
            client = await DockerEngineClient.ConnectAsync(options, null, ct);
        }
        catch (DockerEngineUnavailableException e)
        {
            Unavailable(e.Message);
            throw;
        }

        if (requireTestImage)
        {
            try
            {
                await client.InspectImageAsync(BusyboxImage, ct);
            }
            catch (DockerNotFoundException)
            {
                string address = client.Endpoint.Address;
                client.Dispose();
                Unavailable($"the engine at {address} has no {BusyboxImage}.");
            }
        }

        return client;
    }

    /// <summary>Connects to the second engine (<see cref="SecondHost"/>).</summary>
    public static Task<DockerEngineClient> ConnectSecondHostAsync(CancellationToken ct = default) =>
        ConnectAsync(new DockerEndpointOptions { Host = SecondHost }, requireTestImage: true, ct);

    /// <summary>Ignores the test, or fails it under <c>CI=true</c>.</summary>
    [DoesNotReturn]
    public static void Unavailable(string reason)
    {
        string message = $"Docker is not available: {reason}\n{SetupHint}";
        if (IsCi)
            Assert.Fail("CI=true: a missing Docker engine fails the Docker tests instead of skipping them. " + message);
        Assert.Ignore(message);
        throw new InvalidOperationException("unreachable");
    }

    public static string NewRunId() => Guid.NewGuid().ToString("N")[..12];

    /// <summary>The labels a test puts on what it creates: the test label, the run label, and any extra pairs.</summary>
    public static Dictionary<string, string> Labels(string runId, params (string Key, string Value)[] extra)
    {
        var labels = new Dictionary<string, string> { [TestLabel] = "true", [RunLabel] = runId };
        foreach ((string key, string value) in extra)
            labels[key] = value;
        return labels;
    }

    /// <summary>Removes every container (forced) and network of one run. Idempotent; tolerates concurrent removal.</summary>
    public static async Task RemoveRunResourcesAsync(DockerEngineClient client, string runId, CancellationToken ct = default)
    {
        DockerFilters filter = DockerFilters.Label(RunLabel, runId);
        foreach (ContainerSummary container in await client.ListContainersAsync(all: true, filter, ct))
        {
            try
            {
                await client.RemoveContainerAsync(container.Id, force: true, removeVolumes: true, ct);
            }
            catch (DockerNotFoundException)
            {
            }
            catch (DockerConflictException)
            {
                // Removal already in progress.
            }
        }

        foreach (NetworkResponse network in await client.ListNetworksAsync(filter, ct))
        {
            try
            {
                await client.RemoveNetworkAsync(network.Id, ct);
            }
            catch (DockerNotFoundException)
            {
            }
        }
    }
}
