using Orchestrator.Api;
using Orchestrator.Scheduling;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

public sealed class SchedulingFrameworkTests
{
    private static SchedulingFramework Framework(SchedulerProfile? profile = null, int percentage = 0, Func<int, int>? random = null) =>
        new(profile ?? SchedulerProfile.Default,
            SchedulerServiceCollectionExtensions.BuiltInPlugins().ToDictionary(p => p.Name),
            percentage,
            random ?? (_ => 0));

    private static IEnumerable<TestCaseData> FeasibleCases()
    {
        yield return new TestCaseData(50, 0, 50).SetName("NumFeasibleNodesToFind_SmallCluster_AllNodes");
        yield return new TestCaseData(100, 0, 100).SetName("NumFeasibleNodesToFind_HundredNodes_AtLeastHundred");
        yield return new TestCaseData(1000, 0, 420).SetName("NumFeasibleNodesToFind_ThousandNodes_AdaptiveFortyTwoPercent");
        yield return new TestCaseData(5000, 0, 500).SetName("NumFeasibleNodesToFind_FiveThousandNodes_AdaptiveTenPercent");
        yield return new TestCaseData(10000, 0, 500).SetName("NumFeasibleNodesToFind_HugeCluster_AdaptiveFloorFivePercent");
        yield return new TestCaseData(5000, 30, 1500).SetName("NumFeasibleNodesToFind_Configured_UsesPercentage");
        yield return new TestCaseData(5000, 1, 100).SetName("NumFeasibleNodesToFind_TinyPercentage_AtLeastHundred");
        yield return new TestCaseData(5000, 100, 5000).SetName("NumFeasibleNodesToFind_HundredPercent_AllNodes");
    }

    [TestCaseSource(nameof(FeasibleCases))]
    public void NumFeasibleNodesToFind(int nodes, int percentage, int expected) =>
        Assert.That(SchedulingFramework.NumFeasibleNodesToFind(nodes, percentage), Is.EqualTo(expected));

    [Test]
    public void Schedule_NoNodes_ReportsNoNodesAvailable()
    {
        var result = Framework().Schedule(Context([]), new PodInfo(Pod("p")));

        Assert.That(result.Message, Is.EqualTo("no nodes available to schedule pods"));
    }

    [Test]
    public void Schedule_NoNodeFits_CountsAndSortsReasonsLikeKubernetes()
    {
        var context = Context([Node("a", cpu: "1"), Node("b", cpu: "1", labels: Labels("disk=ssd")), Node("c", cpu: "1", labels: Labels("disk=ssd"))]);
        var pod = new PodInfo(Pod("p", cpu: "2", nodeSelector: Labels("disk=ssd")));

        var result = Framework().Schedule(context, pod);

        Assert.Multiple(() =>
        {
            Assert.That(result.IsScheduled, Is.False);
            Assert.That(result.Message, Is.EqualTo("0/3 nodes are available: 1 node(s) didn't match Pod's node affinity/selector, 2 Insufficient cpu."));
        });
    }

    [Test]
    public void Schedule_SeveralReasonsOnOneNode_CountsEach()
    {
        var context = Context([Node("a", cpu: "1", memory: "1Gi"), Node("b", cpu: "1", memory: "8Gi")]);

        var result = Framework().Schedule(context, new PodInfo(Pod("p", cpu: "2", memory: "2Gi")));

        Assert.That(result.Message, Is.EqualTo("0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu."));
    }

    [Test]
    public void Schedule_PicksNodeWithMostFreeResources()
    {
        var context = Context([Node("busy"), Node("idle"), Node("half")], [Pod("x", cpu: "3", memory: "24Gi", nodeName: "busy"), Pod("y", cpu: "2", memory: "16Gi", nodeName: "half")]);

        var result = Framework().Schedule(context, new PodInfo(Pod("p", cpu: "500m", memory: "1Gi")));

        Assert.That(result.NodeName, Is.EqualTo("idle"));
    }

    [TestCase(0, "c")]
    [TestCase(1, "a")]
    public void Schedule_EqualScores_TieBrokenByRandomSource(int randomValue, string expected)
    {
        var context = Context([Node("a"), Node("b"), Node("c")]);

        var result = Framework(random: _ => randomValue).Schedule(context, new PodInfo(Pod("p", cpu: "1", memory: "1Gi")));

        Assert.That(result.NodeName, Is.EqualTo(expected));
    }

    [Test]
    public void Schedule_LargeCluster_StopsAfterEnoughFeasibleNodesAndRotatesStart()
    {
        var context = Context(Enumerable.Range(0, 400).Select(i => Node($"n{i:D3}")));
        var framework = Framework(percentage: 50);

        var first = framework.Schedule(context, new PodInfo(Pod("p1")));
        var second = framework.Schedule(context, new PodInfo(Pod("p2", nodeSelector: Labels("kubernetes.io/hostname=n000"))));

        Assert.Multiple(() =>
        {
            Assert.That(first.EvaluatedNodes, Is.EqualTo(200));
            Assert.That(first.FeasibleNodes, Is.EqualTo(200));
            Assert.That(second.NodeName, Is.EqualTo("n000"), "the second cycle wraps around to the nodes the first did not reach");
            Assert.That(second.EvaluatedNodes, Is.EqualTo(400));
        });
    }

    [Test]
    public void Schedule_FilterOrder_FirstRejectingFilterGivesTheReason()
    {
        var context = Context([Node("a", cpu: "1", unschedulable: true)]);

        var result = Framework().Schedule(context, new PodInfo(Pod("p", cpu: "2")));

        Assert.That(result.Message, Is.EqualTo("0/1 nodes are available: 1 node(s) were unschedulable."));
    }

    [Test]
    public void Constructor_UnknownPlugin_Throws()
    {
        var profile = SchedulerProfile.Default with { Filters = ["NoSuchPlugin"] };

        Assert.That(() => Framework(profile), Throws.InvalidOperationException.With.Message.Contains("NoSuchPlugin"));
    }

    [Test]
    public void Constructor_ScoreOnlyPluginAsFilter_Throws()
    {
        var profile = SchedulerProfile.Default with { Filters = [SchedulerPlugins.ImageLocality] };

        Assert.That(() => Framework(profile), Throws.InvalidOperationException.With.Message.Contains("filter"));
    }

    [Test]
    public void Schedule_CustomWeights_ChangeTheWinner()
    {
        // "gpu" has more free resources but a PreferNoSchedule taint; with TaintToleration weighted 0-ish it wins.
        var nodes = new[] { Node("gpu", taints: [new Taint { Key = "gpu", Effect = TaintEffect.PreferNoSchedule }]), Node("small", cpu: "1", memory: "2Gi") };
        var pod = new PodInfo(Pod("p", cpu: "100m", memory: "100Mi"));
        var resourcesOnly = SchedulerProfile.Default with
        {
            Scores = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty.Add(SchedulerPlugins.NodeResourcesLeastAllocated, 1),
        };

        Assert.Multiple(() =>
        {
            Assert.That(Framework().Schedule(Context(nodes), pod).NodeName, Is.EqualTo("small"));
            Assert.That(Framework(resourcesOnly).Schedule(Context(nodes), pod).NodeName, Is.EqualTo("gpu"));
        });
    }

    [Test]
    public void Schedule_PreFilterSkip_FilterNotCalled()
    {
        var probe = new ProbePlugin(FilterResult.Skip);
        var profile = SchedulerProfile.Default with { Filters = [probe.Name], Scores = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty };
        var framework = new SchedulingFramework(profile, new Dictionary<string, IPlugin> { [probe.Name] = probe }, 0, _ => 0);

        var result = framework.Schedule(Context([Node("a"), Node("b")]), new PodInfo(Pod("p")));

        Assert.Multiple(() =>
        {
            Assert.That(result.IsScheduled, Is.True);
            Assert.That(probe.FilterCalls, Is.Zero);
        });
    }

    [Test]
    public void Schedule_PreFilterRejects_EveryNodeWithItsReason()
    {
        var probe = new ProbePlugin(FilterResult.Unschedulable("claim in use"));
        var profile = SchedulerProfile.Default with { Filters = [probe.Name], Scores = System.Collections.Immutable.ImmutableDictionary<string, int>.Empty };
        var framework = new SchedulingFramework(profile, new Dictionary<string, IPlugin> { [probe.Name] = probe }, 0, _ => 0);

        var result = framework.Schedule(Context([Node("a"), Node("b")]), new PodInfo(Pod("p")));

        Assert.That(result.Message, Is.EqualTo("0/2 nodes are available: claim in use."));
    }

    private sealed class ProbePlugin(FilterResult preFilter) : IPreFilterPlugin, IFilterPlugin
    {
        public int FilterCalls { get; private set; }

        public string Name => "Probe";

        public FilterResult PreFilter(SchedulingContext context, PodInfo pod) => preFilter;

        public FilterResult Filter(SchedulingContext context, PodInfo pod, NodeInfo node)
        {
            FilterCalls++;
            return FilterResult.Success;
        }
    }
}
