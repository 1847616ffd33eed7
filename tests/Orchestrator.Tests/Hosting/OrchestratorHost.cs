using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Client;
using Orchestrator.Hosting;
using Orchestrator.Runtime.Simulated;

namespace Orchestrator.Tests.Hosting;

/// <summary>
/// A host built the way an application builds one: <c>AddOrchestrator()</c> plus simulated nodes, with configuration
/// from an in-memory dictionary (standing in for appsettings.json). Disposing stops the host with a bound.
/// </summary>
internal sealed class OrchestratorHost : IAsyncDisposable
{
    public const string Image = "busybox:1.36";

    private OrchestratorHost(IHost host) => Host = host;

    public IHost Host { get; }

    public IOrchestratorClient Client => Host.Services.GetRequiredService<IOrchestratorClient>();

    public SimulatedNodes Nodes => Host.Services.GetRequiredService<SimulatedNodes>();

    /// <summary>Builds (without starting) a host with <paramref name="nodes"/> simulated nodes.</summary>
    public static IHost Build(int nodes = 3, IDictionary<string, string?>? configuration = null, Action<OrchestratorOptions>? configure = null,
        Action<IServiceCollection>? services = null)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // Short back-off so crash loops show up quickly in tests; the test's own configuration comes after it.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orchestrator:NodeAgent:BackOffBase"] = "00:00:00.100",
            ["Orchestrator:NodeAgent:BackOffMax"] = "00:00:01",
        });
        builder.Configuration.AddInMemoryCollection(configuration ?? new Dictionary<string, string?>());
        builder.Services.AddLogging();
        builder.Services.AddOrchestrator(configure).AddSimulatedNodes(nodes, o => o.PreloadedImages.Add(Image));
        services?.Invoke(builder.Services);
        return builder.Build();
    }

    /// <summary>Starts a host and waits until its nodes are Ready.</summary>
    public static async Task<OrchestratorHost> StartAsync(int nodes = 3, Action<OrchestratorOptions>? configure = null, CancellationToken ct = default)
    {
        var host = new OrchestratorHost(Build(nodes, configure: configure));
        try
        {
            await host.Host.StartAsync(ct);
            await host.Client.WaitForNodesAsync(nodes, TimeSpan.FromSeconds(20), ct);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

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
        }
    }
}
