using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Store;
using Orchestrator.Tests.Testing;

namespace Orchestrator.Tests.Scheduling;

/// <summary>
/// A real in-memory store with the scheduler hosted on it (its hosted services started as a host would), a fake clock,
/// and polling helpers with bounded timeouts.
/// </summary>
internal sealed class SchedulerHarness : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private SchedulerHarness(ServiceProvider services, IHostedService[] hosted, InMemoryObjectStore store, FakeTimeProvider time)
    {
        _services = services;
        _hosted = hosted;
        Store = store;
        Time = time;
    }

    public InMemoryObjectStore Store { get; }

    public FakeTimeProvider Time { get; }

    public CancellationToken Token { get; } = new CancellationTokenSource(Timeout).Token;

    public static async Task<SchedulerHarness> StartAsync(Action<SchedulerOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var time = new FakeTimeProvider();
        var store = new InMemoryObjectStore(time);
        var collection = new ServiceCollection()
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IObjectStore>(store)
            .AddScheduler(options =>
            {
                options.UnschedulableRetryInterval = TimeSpan.FromMinutes(10);
                configure?.Invoke(options);
            });
        services?.Invoke(collection);
        var provider = collection.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToArray();
        var harness = new SchedulerHarness(provider, hosted, store, time);
        foreach (var service in hosted) await service.StartAsync(harness.Token);
        return harness;
    }

    public async Task<Pod> CreateAsync(Pod pod) => (Pod)await Store.CreateAsync(pod, Token);

    public async Task CreateAsync(Node node) => await Store.CreateAsync(node, Token);

    public async Task<Pod> GetPodAsync(string name) => (await Store.GetAsync<Pod>("default", name, Token))!;

    public async Task DeletePodAsync(string name) =>
        await Store.DeleteAsync(ApiResources.For<Pod>(), "default", name, new DeleteOptions { GracePeriodSeconds = 0 }, Token);

    /// <summary>Polls until <paramref name="condition"/> holds for the pod, advancing the fake clock by <paramref name="tick"/> per poll.</summary>
    public async Task<Pod> WaitForPodAsync(string name, Func<Pod, bool> condition, TimeSpan? tick = null)
    {
        while (true)
        {
            var pod = await Store.GetAsync<Pod>("default", name, Token);
            if (pod is not null && condition(pod)) return pod;
            if (tick is { } advance) Time.Advance(advance);
            await Task.Delay(10, Token);
        }
    }

    /// <summary>Polls until a <c>PodScheduled=False</c> condition exists, returning its message.</summary>
    public async Task<string> WaitForUnschedulableAsync(string name)
    {
        var pod = await WaitForPodAsync(name, p => p.Status?.GetCondition(PodConditionType.PodScheduled)?.Status == ConditionStatus.False);
        return pod.Status!.GetCondition(PodConditionType.PodScheduled)!.Message!;
    }

    /// <summary>Polls until an event with <paramref name="reason"/> about the pod exists.</summary>
    public async Task<Event> WaitForEventAsync(string podName, string reason)
    {
        while (true)
        {
            var events = await Store.ListAsync<Event>(new ListOptions { Namespace = "default" }, Token);
            var match = events.Items.FirstOrDefault(e => e.InvolvedObject.Name == podName && e.Reason == reason);
            if (match is not null) return match;
            await Task.Delay(10, Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        foreach (var service in _hosted.Reverse()) await service.StopAsync(stopping.Token);
        await _services.DisposeAsync();
        Store.Dispose();
    }
}
