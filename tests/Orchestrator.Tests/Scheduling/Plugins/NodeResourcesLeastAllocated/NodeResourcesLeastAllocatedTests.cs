using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeResourcesLeastAllocatedTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p", cpu: "1", memory: "8Gi"), Array.Empty<Pod>(), 75L).SetName("Score_QuarterOfEach_Scores75");
        yield return new TestCaseData(Pod("p"), Array.Empty<Pod>(), 98L).SetName("Score_NoRequests_CountsDefault100mAnd200Mi");
        yield return new TestCaseData(Pod("p", cpu: "1", memory: "8Gi"), new[] { Pod("e", cpu: "2", nodeName: "n") }, 49L)
            .SetName("Score_ExistingRequests_LowerTheScore");
        yield return new TestCaseData(Pod("p", cpu: "5"), Array.Empty<Pod>(), 49L).SetName("Score_OvercommittedResource_ScoresZeroForIt");
    }

    [TestCaseSource(nameof(Cases))]
    public void Score(Pod pod, Pod[] existing, long expected) =>
        Assert.That(FilterAssert.Scores(new NodeResourcesLeastAllocated(), pod, [Node("n", cpu: "4", memory: "32Gi")], existing), Is.EqualTo(new[] { expected }));

    [Test]
    public void Score_EmptierNode_WinsOverFullerNode()
    {
        var scores = FilterAssert.Scores(
            new NodeResourcesLeastAllocated(), Pod("p", cpu: "500m", memory: "1Gi"), [Node("busy"), Node("idle")],
            [Pod("e", cpu: "3", memory: "16Gi", nodeName: "busy")]);

        Assert.That(scores[1], Is.GreaterThan(scores[0]));
    }
}
