using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Hosting;
using Orchestrator.NodeAgent;
using Orchestrator.Scheduling;
using Orchestrator.Store;

namespace Orchestrator.Tests.Hosting;

public sealed class OptionsValidationTests
{
    private static IEnumerable<TestCaseData> InvalidSettings()
    {
        yield return Case("Orchestrator:Store:WatchHistorySize", "0", "Orchestrator:Store:WatchHistorySize must be at least 1, but is 0");
        yield return Case("Orchestrator:NodeAgent:HeartbeatInterval", "00:00:00", "Orchestrator:NodeAgent:HeartbeatInterval must be greater than zero");
        yield return Case("Orchestrator:NodeAgent:BackOffMax", "00:00:00.050", "Orchestrator:NodeAgent:BackOffMax must be at least NodeAgent:BackOffBase");
        yield return Case("Orchestrator:NodeAgent:PodWorkers", "0", "Orchestrator:NodeAgent:PodWorkers must be at least 1");
        yield return Case("Orchestrator:Client:DefaultTimeout", "-00:00:01", "Orchestrator:Client:DefaultTimeout must be greater than zero");
        yield return Case("Orchestrator:NodeLifecycle:NodeMonitorGracePeriod", "00:00:05",
            "Orchestrator:NodeLifecycle:NodeMonitorGracePeriod must be longer than Orchestrator:NodeAgent:HeartbeatInterval (00:00:10)");
        yield return Case("Orchestrator:Scheduler:PercentageOfNodesToScore", "150", "Orchestrator:Scheduler:PercentageOfNodesToScore must be between 0");
        yield return Case("Orchestrator:GarbageCollector:IgnoredKinds:0", "Eventz", "Orchestrator:GarbageCollector:IgnoredKinds contains unknown kinds Eventz");
        yield return Case("Orchestrator:Namespaces:ContentRecheckInterval", "00:00:00", "Orchestrator:Namespaces:ContentRecheckInterval must be greater than zero");
        yield return Case("Orchestrator:Jobs:MaxPodFailureBackOff", "00:00:01", "Orchestrator:Jobs:MaxPodFailureBackOff must be at least PodFailureBackOff (00:00:10)");
        yield return Case("Orchestrator:Volumes:ProvisioningDirectory", " ", "Orchestrator:Volumes:ProvisioningDirectory must not be empty while DynamicProvisioning is on");

        static TestCaseData Case(string key, string value, string message) =>
            new TestCaseData(key, value, message).SetArgDisplayNames(key.Replace(':', '.'), value);
    }

    [TestCaseSource(nameof(InvalidSettings)), CancelAfter(30_000)]
    public void StartAsync_InvalidSetting_FailsNamingTheKeyAndWhy(string key, string value, string message, CancellationToken ct)
    {
        // Given appsettings with one invalid value
        var probe = new StartProbe();
        using var host = OrchestratorHost.Build(configuration: new Dictionary<string, string?> { [key] = value },
            services: s => s.AddSingleton<IHostedService>(probe));

        // When the host starts, Then it fails before any hosted service starts, with a message naming the key and the reason
        var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(ct));
        Assert.That(error!.Message, Does.Contain(message));
        Assert.That(probe.Started, Is.False, "no hosted service started");
    }

    /// <summary>A hosted service that only records whether the host started it.</summary>
    private sealed class StartProbe : IHostedService
    {
        public bool Started { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken)
        {
            Started = true;
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    [Test, CancelAfter(30_000)]
    public void StartAsync_InvalidValueInAppSettingsJson_FailsNamingTheKeyAndWhy(CancellationToken ct)
    {
        // Given an application whose appsettings.json sets a heartbeat of zero
        var root = Directory.CreateTempSubdirectory("orch-appsettings-");
        try
        {
            File.WriteAllText(Path.Combine(root.FullName, "appsettings.json"), """
                { "Orchestrator": { "NodeAgent": { "HeartbeatInterval": "00:00:00" }, "Jobs": { "PodFailureBackOff": "00:00:02" } } }
                """);
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                ContentRootPath = root.FullName,
                Args = [],
                DisableDefaults = false,
            });
            builder.Services.AddOrchestrator().AddSimulatedNodes(1);
            using var host = builder.Build();

            // Then the valid value is bound
            Assert.That(host.Services.GetRequiredService<IOptions<Orchestrator.Controllers.JobControllerOptions>>().Value.PodFailureBackOff,
                Is.EqualTo(TimeSpan.FromSeconds(2)));

            // When it starts, Then the invalid one fails the start, naming the key, its value and why it matters
            var error = Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(ct));
            Assert.That(error!.Message, Is.EqualTo(
                "Orchestrator:NodeAgent:HeartbeatInterval must be greater than zero, but is 00:00:00: node agents post their node's status this often."));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Test, CancelAfter(30_000)]
    public void StartAsync_UnconvertibleValue_FailsNamingTheKey(CancellationToken ct)
    {
        using var host = OrchestratorHost.Build(configuration: new Dictionary<string, string?> { ["Orchestrator:NodeAgent:PodWorkers"] = "many" });

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync(ct));

        Assert.That(error!.Message, Does.Contain("Orchestrator:NodeAgent:PodWorkers").And.Contain("'many'"));
    }

    [Test]
    public void Configuration_ValidSettings_BindEveryComponentAndCodeOverridesThem()
    {
        // Given appsettings for several components, and code that sets one of the same values
        using var host = OrchestratorHost.Build(
            configuration: new Dictionary<string, string?>
            {
                ["Orchestrator:Store:WatchBufferSize"] = "500",
                ["Orchestrator:NodeAgent:HeartbeatInterval"] = "00:00:03",
                ["Orchestrator:NodeAgent:ClusterDns:0"] = "10.96.0.10",
                ["Orchestrator:Client:DiagnosticLogLines"] = "25",
                ["Orchestrator:Client:DefaultTimeout"] = "00:05:00",
                ["Orchestrator:Scheduler:PercentageOfNodesToScore"] = "70",
                ["Orchestrator:NodeLifecycle:NodeMonitorGracePeriod"] = "00:00:20",
            },
            configure: o => o.Client = o.Client with { DefaultTimeout = TimeSpan.FromSeconds(42) });

        // Then the components see the configured values, and the code's value wins where both set one
        var options = host.Services.GetRequiredService<IOptions<OrchestratorOptions>>().Value;
        Assert.That(options.Store.WatchBufferSize, Is.EqualTo(500));
        var agent = host.Services.GetRequiredService<NodeAgentOptions>();
        Assert.That(agent.HeartbeatInterval, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That(agent.ClusterDns, Is.EqualTo(new[] { "10.96.0.10" }));
        var client = (OrchestratorClient)host.Services.GetRequiredService<IOrchestratorClient>();
        Assert.That(client.Options.DiagnosticLogLines, Is.EqualTo(25));
        Assert.That(client.Options.DefaultTimeout, Is.EqualTo(TimeSpan.FromSeconds(42)));
        Assert.That(host.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value.PercentageOfNodesToScore, Is.EqualTo(70));
        Assert.That(host.Services.GetRequiredService<IOptions<Orchestrator.Controllers.NodeLifecycleOptions>>().Value.NodeMonitorGracePeriod,
            Is.EqualTo(TimeSpan.FromSeconds(20)));
    }

    [Test]
    public void Validate_DefaultOptions_Succeed()
    {
        var result = new OrchestratorOptionsValidator().Validate(null, new OrchestratorOptions());

        Assert.That(result.Succeeded, Is.True, result.FailureMessage);
    }
}
