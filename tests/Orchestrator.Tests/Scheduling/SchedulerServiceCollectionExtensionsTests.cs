using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Store;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

[CancelAfter(30_000)]
public sealed class SchedulerServiceCollectionExtensionsTests
{
    [Test]
    public void AddScheduler_UnknownPluginInProfile_FailsWhenTheHostStarts()
    {
        using var store = new InMemoryObjectStore();
        using var services = new ServiceCollection()
            .AddSingleton<IObjectStore>(store)
            .AddScheduler(o => o.Profiles = [SchedulerProfile.Default with { Filters = ["Typo"] }])
            .BuildServiceProvider();

        Assert.That(() => services.GetServices<IHostedService>().ToList(), Throws.InvalidOperationException.With.Message.Contains("Typo"));
    }

    [TestCase(-1)]
    [TestCase(101)]
    public void AddScheduler_InvalidPercentage_FailsWhenTheHostStarts(int percentage)
    {
        using var store = new InMemoryObjectStore();
        using var services = new ServiceCollection()
            .AddSingleton<IObjectStore>(store)
            .AddScheduler(o => o.PercentageOfNodesToScore = percentage)
            .BuildServiceProvider();

        Assert.That(() => services.GetServices<IHostedService>().ToList(), Throws.InvalidOperationException.With.Message.Contains("PercentageOfNodesToScore"));
    }

    [Test]
    public void AddScheduler_CalledTwice_OneSchedulerWithBothConfigurations()
    {
        using var store = new InMemoryObjectStore();
        using var services = new ServiceCollection()
            .AddSingleton<IObjectStore>(store)
            .AddScheduler(o => o.PercentageOfNodesToScore = 50)
            .AddScheduler(o => o.MaxConcurrentBindings = 8)
            .BuildServiceProvider();

        var options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<SchedulerOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(services.GetServices<IHostedService>().OfType<Scheduler>().Count(), Is.EqualTo(1));
            Assert.That((options.PercentageOfNodesToScore, options.MaxConcurrentBindings), Is.EqualTo((50, 8)));
        });
    }

    [Test]
    public async Task AddScheduler_CustomPluginInProfile_DecidesPlacement()
    {
        await using var cluster = await SchedulerHarness.StartAsync(
            o => o.Profiles = [SchedulerProfile.Default with { Filters = [.. SchedulerProfile.Default.Filters, OnlyNodeNamed.PluginName] }],
            services => services.AddSingleton<IPlugin>(new OnlyNodeNamed("node-2")));
        await cluster.CreateAsync(Node("node-1"));
        await cluster.CreateAsync(Node("node-2"));

        await cluster.CreateAsync(Pod("web"));

        var pod = await cluster.WaitForPodAsync("web", p => p.Spec.NodeName is not null);
        Assert.That(pod.Spec.NodeName, Is.EqualTo("node-2"));
    }

    private sealed class OnlyNodeNamed(string name) : IFilterPlugin
    {
        public const string PluginName = "OnlyNodeNamed";

        public string Name => PluginName;

        public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node) =>
            node.Name == name ? FilterResult.Success : FilterResult.Unschedulable("node(s) are not " + name);
    }
}
