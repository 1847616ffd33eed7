using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orchestrator.Api;
using Orchestrator.Client;
using Orchestrator.Docker.Hosting;
using Orchestrator.Hosting;
using Orchestrator.Networking;
using Orchestrator.Runtime;
using Orchestrator.Store;

namespace Quickstart;

/// <summary>How the quickstart runs.</summary>
/// <param name="Ci">Non-interactive and short: no pauses, plain output, exit when done (0 on success).</param>
/// <param name="Simulated">Use simulated nodes even when a Docker engine answers.</param>
/// <param name="Image">The image for the app's containers on Docker; null for the app's own (or busybox:1.36 when missing).</param>
/// <param name="Verbose">Show the orchestrator's own log (Information and up) besides the demo's output.</param>
public sealed record QuickstartOptions(bool Ci = false, bool Simulated = false, string? Image = null, bool Verbose = false)
{
    /// <summary>Parses <c>--ci</c>, <c>--simulated</c>, <c>--verbose</c> and <c>--image &lt;ref&gt;</c>.</summary>
    public static QuickstartOptions Parse(string[] args)
    {
        var options = new QuickstartOptions();
        for (var i = 0; i < args.Length; i++)
        {
            options = args[i] switch
            {
                "--ci" => options with { Ci = true },
                "--simulated" => options with { Simulated = true },
                "--verbose" => options with { Verbose = true },
                "--image" when i + 1 < args.Length => options with { Image = args[++i] },
                _ => throw new ArgumentException($"Unknown argument \"{args[i]}\". Usage: Quickstart [--ci] [--simulated] [--verbose] [--image <image>]"),
            };
        }
        return options;
    }
}

/// <summary>
/// The quickstart: an embedded orchestrator runs the guestbook of <c>app.yaml</c>, shows its pods becoming ready, heals a
/// deleted pod and rolls out a new version. Everything it creates is removed when it ends (Ctrl+C included).
/// </summary>
public static class QuickstartApp
{
    private const string Namespace = "guestbook";
    private const string AppImage = "orchestrator-test/busybox:1.0";
    private const string PublicImage = "busybox:1.36";

    /// <summary>Runs the whole demo; returns the process exit code (0 on success).</summary>
    public static async Task<int> RunAsync(QuickstartOptions options, TextWriter output, CancellationToken cancellationToken)
    {
        var manifest = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "app.yaml"), cancellationToken);
        var live = !options.Ci && !Console.IsOutputRedirected && ReferenceEquals(output, Console.Out);
        var timeout = options.Ci ? TimeSpan.FromSeconds(90) : TimeSpan.FromMinutes(3);

        var (docker, image) = options.Simulated ? (null, AppImage) : await ConnectDockerAsync(options, output, cancellationToken);
        manifest = manifest.Replace(AppImage, image);

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        // The demo reports its own progress and failures (a failed wait says why); the components' log is for --verbose.
        builder.Services.AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true)
            .SetMinimumLevel(options.Verbose ? LogLevel.Information : LogLevel.Critical));
        var orchestrator = builder.Services.AddOrchestrator(o =>
            o.NodeAgent = o.NodeAgent with { BackOffBase = TimeSpan.FromSeconds(1), BackOffMax = TimeSpan.FromSeconds(10) });
        if (docker is not null) orchestrator.AddNodes(_ => docker.Registrations);
        else orchestrator.AddSimulatedNodes(3);
        using var host = builder.Build();
        var client = host.Services.GetRequiredService<IOrchestratorClient>();
        var time = host.Services.GetRequiredService<TimeProvider>();

        var exitCode = 1;
        try
        {
            await host.StartAsync(cancellationToken);
            var nodes = await client.WaitForNodesAsync(docker?.Count ?? 3, timeout, cancellationToken);
            output.WriteLine($"Orchestrator started: {nodes.Count} {(docker is null ? "simulated" : "Docker")} node(s) Ready ({string.Join(", ", nodes.Select(n => n.Metadata.Name))}).");

            await using (var table = new PodTable(output, live, time))
            using (client.Watch<Pod>(Namespace).Subscribe(table))
            {
                await RunStepsAsync(client, manifest, table, options, timeout, time, output, cancellationToken,
                    () => ShowFrontendAsync(host.Services, fetch: docker is not null, table, timeout, cancellationToken));
            }
            output.WriteLine("The guestbook ran, healed itself and rolled out v2.");
            if (!options.Ci)
            {
                output.WriteLine("Press Ctrl+C to stop and remove everything.");
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            exitCode = 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            output.WriteLine("Stopping.");
            exitCode = options.Ci ? 130 : 0;
        }
        catch (Exception e) when (e is WaitException or ContainerRuntimeException or Orchestrator.Manifests.ManifestException or InvalidOperationException
            or ServiceNotFoundException or HttpRequestException or TaskCanceledException)
        {
            output.WriteLine($"The quickstart failed: {e.Message}");
        }
        finally
        {
            await CleanUpAsync(host, client, docker, output);
        }
        return exitCode;
    }

    private static async Task RunStepsAsync(IOrchestratorClient client, string manifest, PodTable table, QuickstartOptions options, TimeSpan timeout,
        TimeProvider time, TextWriter output, CancellationToken cancellationToken, Func<Task> showFrontend)
    {
        // 1. Apply the app and watch it become ready.
        table.Status("Applying app.yaml ...");
        var applied = await client.ApplyAsync(manifest, cancellationToken: cancellationToken);
        foreach (var result in applied) table.Status($"  {result}");
        await client.WaitForReadyAsync(applied.Select(r => r.Object), timeout, cancellationToken);
        table.Status("Every pod is Ready.");
        table.PrintSnapshot();
        await showFrontend();
        await PauseAsync(options, time, cancellationToken);

        // 2. Self-healing: delete a frontend pod; its ReplicaSet replaces it.
        var frontend = await client.ListAsync<Pod>(Namespace, "tier=frontend", cancellationToken);
        var victim = frontend.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).First().Metadata.Name!;
        table.Status($"Self-healing: deleting pod {victim} ...");
        await client.DeleteAsync<Pod>(Namespace, victim, cancellationToken: cancellationToken);
        var replacement = await WaitForPodsAsync(client, "tier=frontend", pods => pods.Count(p => p.IsReady() && p.Metadata.Name != victim) >= 3,
            timeout, cancellationToken);
        var newcomer = replacement.Select(p => p.Metadata.Name!).Except(frontend.Select(p => p.Metadata.Name!)).FirstOrDefault();
        table.Status($"Self-healing: {victim} was replaced by {newcomer}; 3 frontend pods are Ready again.");
        table.PrintSnapshot();
        await PauseAsync(options, time, cancellationToken);

        // 3. Rolling update: a new version of the frontend, one pod at a time (maxSurge 1, maxUnavailable 0).
        table.Status("Rolling update: frontend v1 -> v2 ...");
        await client.Store.UpdateWithRetryAsync<Deployment>(Namespace, "frontend", d => d with
        {
            Metadata = d.Metadata with { Annotations = new Dictionary<string, string>(d.Metadata.Annotations) { ["kubernetes.io/change-cause"] = "v2: new greeting" } },
            Spec = d.Spec with
            {
                Template = d.Spec.Template with
                {
                    Spec = d.Spec.Template.Spec with
                    {
                        Containers = [.. d.Spec.Template.Spec.Containers.Select(c => c with
                        {
                            Env = [.. c.Env.Select(e => e.Name == "VERSION" ? e with { Value = "v2" } : e)],
                        })],
                    },
                },
            },
        }, cancellationToken);
        var progress = ReportRolloutAsync(client, table, time, cancellationToken);
        await client.WaitForReadyAsync<Deployment>(Namespace, "frontend", timeout, cancellationToken);
        await progress;
        var history = await client.GetRolloutHistoryAsync(Namespace, "frontend", cancellationToken);
        table.Status($"Rolled out: {string.Join("; ", history.Select(h => $"revision {h.Revision}: {h.ChangeCause}"))}.");
        table.PrintSnapshot();
        output.Flush();
    }

    /// <summary>Shows the rollout status as it changes, until it is complete.</summary>
    private static async Task ReportRolloutAsync(IOrchestratorClient client, PodTable table, TimeProvider time, CancellationToken cancellationToken)
    {
        var last = "";
        using var tick = new PeriodicTimer(TimeSpan.FromMilliseconds(200), time);
        while (true)
        {
            var status = await client.GetRolloutStatusAsync<Deployment>(Namespace, "frontend", cancellationToken);
            if (status.Message != last) table.Status($"Rolling update: {last = status.Message}");
            if (status.IsComplete) return;
            await tick.WaitForNextTickAsync(cancellationToken);
        }
    }

    /// <summary>Follows the pods matching <paramref name="selector"/> until <paramref name="done"/> holds for them.</summary>
    private static async Task<IReadOnlyList<Pod>> WaitForPodsAsync(IOrchestratorClient client, string selector, Func<IReadOnlyCollection<Pod>, bool> done,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var pods = new Dictionary<string, Pod>(StringComparer.Ordinal);
        var finished = new TaskCompletionSource<IReadOnlyList<Pod>>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watch = client.Watch<Pod>(Namespace, selector).Subscribe(e =>
        {
            lock (pods)
            {
                if (e.Type == WatchEventType.Deleted) pods.Remove(e.Object.Metadata.Name!);
                else pods[e.Object.Metadata.Name!] = e.Object;
                if (done(pods.Values)) finished.TrySetResult([.. pods.Values]);
            }
        });
        try
        {
            return await finished.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The pods matching {selector} did not recover within {timeout}.");
        }
    }

    /// <summary>
    /// Prints the host address of the frontend Service (a loopback port that forwards to a Ready frontend pod) and, when
    /// the pods are real containers, fetches the page from it once. Does nothing when Service networking is not registered.
    /// </summary>
    private static async Task ShowFrontendAsync(IServiceProvider services, bool fetch, PodTable table, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (services.GetService<IServiceAddresses>() is not { } addresses) return;
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(timeout);
        var endpoint = await addresses.GetServiceAddressAsync(Namespace, "frontend", 80, bound.Token);
        table.Status($"Service frontend is at http://{endpoint}/ on this machine.");
        if (!fetch)
        {
            table.Status("  (simulated pods serve no traffic; on Docker the quickstart fetches the page from it.)");
            return;
        }
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        // Ready pods reach the Service's Endpoints, and then the proxy, a moment later: retry until the timeout.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var page = await http.GetStringAsync($"http://{endpoint}/", bound.Token);
                table.Status($"  GET http://{endpoint}/ -> {page.Trim()}");
                return;
            }
            catch (HttpRequestException) when (!bound.IsCancellationRequested && attempt < 50)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), bound.Token);
            }
        }
    }

    private static Task PauseAsync(QuickstartOptions options, TimeProvider time, CancellationToken cancellationToken) =>
        options.Ci ? Task.CompletedTask : Task.Delay(TimeSpan.FromSeconds(2), time, cancellationToken);

    /// <summary>
    /// Connects to the local Docker engine with the image the app's containers (and pod sandboxes) will use: the one asked
    /// for, the test image when the engine has it, else busybox from Docker Hub. Without an engine, says so in one line
    /// and returns no nodes.
    /// </summary>
    private static async Task<(DockerNodes? Nodes, string Image)> ConnectDockerAsync(QuickstartOptions options, TextWriter output,
        CancellationToken cancellationToken)
    {
        var image = options.Image ?? AppImage;
        DockerNodes nodes;
        try
        {
            nodes = await DockerNodes.ConnectAsync(DockerOptions(image), cancellationToken: cancellationToken);
        }
        catch (ContainerRuntimeException e)
        {
            output.WriteLine($"No Docker engine answered ({Tried(e.Message)}); running the same manifests on 3 simulated nodes.");
            return (null, image);
        }
        if (options.Image is not null || await nodes[0].Runtime.GetImageAsync(AppImage, cancellationToken) is not null) return (nodes, image);

        output.WriteLine($"The engine has no {AppImage}; using {PublicImage} (pulled if needed).");
        await nodes.DisposeAsync();
        return (await DockerNodes.ConnectAsync(DockerOptions(PublicImage), cancellationToken: cancellationToken), PublicImage);
    }

    /// <summary>One node on the local engine; the sandbox is the app's own image, waiting for SIGTERM, so nothing else is pulled.</summary>
    private static DockerRuntimeOptions DockerOptions(string image)
    {
        var docker = new DockerRuntimeOptions { ClusterId = "quickstart", SandboxImage = image };
        docker.SandboxCommand.AddRange(["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 & wait; done"]);
        docker.Hosts.Add(new DockerHostOptions { Endpoint = new() { ConnectTimeout = TimeSpan.FromSeconds(3) } });
        return docker;
    }

    /// <summary>Deletes the app (its containers stop), stops the orchestrator and removes whatever is left on Docker.</summary>
    private static async Task CleanUpAsync(IHost host, IOrchestratorClient client, DockerNodes? docker, TextWriter output)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            if (await client.DeleteAsync<Namespace>(null, Namespace, cancellationToken: limit.Token))
            {
                output.WriteLine("Removing the guestbook ...");
                await client.WaitForDeletionAsync<Namespace>(null, Namespace, TimeSpan.FromSeconds(30), limit.Token);
            }
        }
        catch (Exception e) when (e is WaitException or OperationCanceledException or InvalidOperationException)
        {
            output.WriteLine($"The guestbook was not removed cleanly ({FirstLine(e.Message)}); removing its containers directly.");
        }
        try
        {
            await host.StopAsync(limit.Token);
            if (docker is not null) await docker.PurgeAsync(limit.Token);
        }
        finally
        {
            if (docker is not null) await docker.DisposeAsync();
        }
        output.WriteLine("Stopped; nothing is left running.");
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0].Trim();

    /// <summary>The endpoints a failed connection tried, from the Docker runtime's message ("  - address (source): error" lines).</summary>
    private static string Tried(string message)
    {
        var tried = message.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("- ", StringComparison.Ordinal)).Select(l => l[2..]).ToList();
        return tried.Count == 0 ? FirstLine(message) : "tried " + string.Join("; ", tried);
    }
}
