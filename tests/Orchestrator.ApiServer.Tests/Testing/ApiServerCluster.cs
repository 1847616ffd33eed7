using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Hosting;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Tests.Testing;

/// <summary>A whole embedded cluster (store, controllers, scheduler, simulated nodes) with the API server, on the system clock.</summary>
internal sealed class ApiServerCluster : IAsyncDisposable
{
    private ApiServerCluster(IHost host, string directory)
    {
        Host = host;
        Directory = directory;
        Api = host.Services.GetRequiredService<IApiServer>();
        Store = host.Services.GetRequiredService<IObjectStore>();
        Kubectl = new KubectlRunner(Api.KubeconfigPath!);
    }

    public IHost Host { get; }

    public string Directory { get; }

    public IApiServer Api { get; }

    public IObjectStore Store { get; }

    public KubectlRunner Kubectl { get; }

    public static Task<ApiServerCluster> StartAsync(Action<ApiServerOptions>? configure = null, int nodes = 2) =>
        StartAsync(orchestrator => orchestrator.AddSimulatedNodes(nodes), configure);

    /// <summary>Starts a cluster whose nodes <paramref name="addNodes"/> adds (simulated, Docker, …).</summary>
    public static async Task<ApiServerCluster> StartAsync(Action<OrchestratorBuilder> addNodes, Action<ApiServerOptions>? configure = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "orchestrator-apiserver-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        addNodes(builder.Services.AddOrchestrator());
        builder.Services.AddOrchestratorApiServer(o =>
        {
            o.KubeconfigPath = Path.Combine(directory, "kubeconfig");
            configure?.Invoke(o);
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await host.StartAsync(timeout.Token);
        return new ApiServerCluster(host, directory);
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or 30 s pass (then fails the test with <paramref name="what"/>).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) Assert.Fail($"Timed out waiting until {what}.");
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await Host.StopAsync(timeout.Token);
        Host.Dispose();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
