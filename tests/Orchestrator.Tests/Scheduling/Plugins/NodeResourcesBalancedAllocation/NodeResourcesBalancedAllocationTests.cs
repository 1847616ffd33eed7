using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeResourcesBalancedAllocationTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p", cpu: "1", memory: "8Gi"), Array.Empty<Pod>(), 100L).SetName("Score_EqualFractions_Scores100");
        yield return new TestCaseData(Pod("p", cpu: "2"), Array.Empty<Pod>(), 75L).SetName("Score_CpuOnly_ScoresByHalfTheDifference");
        yield return new TestCaseData(Pod("p", cpu: "1"), new[] { Pod("e", memory: "8Gi", nodeName: "n") }, 100L)
            .SetName("Score_PodEvensOutExistingImbalance_Scores100");
        yield return new TestCaseData(Pod("p"), Array.Empty<Pod>(), 0L).SetName("Score_BestEffortPod_ScoresZero");
        yield return new TestCaseData(Pod("p", cpu: "8", memory: "8Gi"), Array.Empty<Pod>(), 62L).SetName("Score_FractionsCappedAtOne");
    }

    [TestCaseSource(nameof(Cases))]
    public void Score(Pod pod, Pod[] existing, long expected) =>
        Assert.That(FilterAssert.Scores(new NodeResourcesBalancedAllocation(), pod, [Node("n", cpu: "4", memory: "32Gi")], existing), Is.EqualTo(new[] { expected }));
}
