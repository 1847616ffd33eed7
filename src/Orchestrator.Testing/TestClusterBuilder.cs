using System.Collections.Immutable;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.Docker.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Runtime.Simulated;

namespace Orchestrator.Testing;

/// <summary>
/// An immutable description of a <see cref="TestCluster"/>: its nodes (simulated by default, Docker when asked), options
/// and extra services. Every <c>With*</c> returns a new builder.
/// </summary>
/// <remarks>
/// Without <see cref="WithSimulatedNodes"/> or <see cref="WithDocker"/>, the environment variable
/// <see cref="RuntimeVariable"/> chooses: <c>docker</c> runs pods on the local Docker engine (with the sandbox image of
/// <see cref="SandboxImageVariable"/> when set), anything else on three simulated nodes. The same tests can so run both
/// ways.
/// </remarks>
/// <example>
/// <code>
/// await using var cluster = await new TestClusterBuilder()
///     .WithDocker(o => o.SandboxImage = "busybox:1.36")
///     .StartAsync(cancellationToken);
/// </code>
/// </example>
public sealed class TestClusterBuilder
{
    /// <summary>The environment variable that chooses the runtime when code does not: <c>ORCHESTRATOR_TEST_RUNTIME</c>.</summary>
    public const string RuntimeVariable = "ORCHESTRATOR_TEST_RUNTIME";

    /// <summary>The environment variable naming the Docker sandbox image in environment-chosen Docker mode: <c>ORCHESTRATOR_TEST_SANDBOX_IMAGE</c>.</summary>
    public const string SandboxImageVariable = "ORCHESTRATOR_TEST_SANDBOX_IMAGE";

    private readonly State _state;

    /// <summary>A cluster whose runtime the environment chooses (three simulated nodes unless <see cref="RuntimeVariable"/> is <c>docker</c>).</summary>
    public TestClusterBuilder()
        : this(new State(null, 3, null, null, [], [], TimeSpan.FromMinutes(2)))
    {
    }

    private TestClusterBuilder(State state) => _state = state;

    /// <summary>Runs pods on <paramref name="count"/> simulated nodes (no containers: behaviour comes from pod annotations).</summary>
    public TestClusterBuilder WithSimulatedNodes(int count = 3, Action<SimulatedNodeOptions>? configure = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        return new(_state with { Docker = false, NodeCount = count, ConfigureNodes = configure });
    }

    /// <summary>
    /// Runs pods as containers on Docker (the local engine unless <see cref="DockerRuntimeOptions.Hosts"/> says otherwise).
    /// The cluster id is set by the session (<c>orchtest-{session}</c>) so that sessions never touch each other's containers.
    /// </summary>
    public TestClusterBuilder WithDocker(Action<DockerRuntimeOptions>? configure = null) =>
        new(_state with { Docker = true, ConfigureDocker = configure });

    /// <summary>Changes the orchestrator's options (after the harness's defaults: restart back-off 1 s to 10 s).</summary>
    public TestClusterBuilder WithOptions(Action<OrchestratorOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(_state with { ConfigureOptions = _state.ConfigureOptions.Add(configure) });
    }

    /// <summary>Adds services to the cluster's host (loggers, controllers of your own, options of components).</summary>
    public TestClusterBuilder WithServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        return new(_state with { ConfigureServices = _state.ConfigureServices.Add(configure) });
    }

    /// <summary>How long starting may take, including the nodes becoming Ready; two minutes by default.</summary>
    public TestClusterBuilder WithStartTimeout(TimeSpan timeout)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        return new(_state with { StartTimeout = timeout });
    }

    /// <summary>Starts the cluster; returns once every node is Ready.</summary>
    /// <exception cref="Runtime.ContainerRuntimeException">Docker was asked for and no engine answered.</exception>
    /// <exception cref="Client.WaitTimeoutException">The nodes did not become Ready in time.</exception>
    public Task<TestCluster> StartAsync(CancellationToken cancellationToken = default) => TestCluster.StartAsync(Resolve(), cancellationToken);

    /// <summary>The settings, with the environment's choice of runtime applied.</summary>
    internal State Resolve()
    {
        if (_state.Docker is not null) return _state;
        var fromEnvironment = string.Equals(Environment.GetEnvironmentVariable(RuntimeVariable), "docker", StringComparison.OrdinalIgnoreCase);
        if (!fromEnvironment) return _state with { Docker = false };
        var sandbox = Environment.GetEnvironmentVariable(SandboxImageVariable);
        return _state with
        {
            Docker = true,
            ConfigureDocker = string.IsNullOrEmpty(sandbox) ? null : o =>
            {
                o.SandboxImage = sandbox;
                o.SandboxCommand.AddRange(["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]);
            },
        };
    }

    /// <summary>The settings of a builder.</summary>
    internal sealed record State(
        bool? Docker,
        int NodeCount,
        Action<SimulatedNodeOptions>? ConfigureNodes,
        Action<DockerRuntimeOptions>? ConfigureDocker,
        ImmutableList<Action<OrchestratorOptions>> ConfigureOptions,
        ImmutableList<Action<IServiceCollection>> ConfigureServices,
        TimeSpan StartTimeout);
}
