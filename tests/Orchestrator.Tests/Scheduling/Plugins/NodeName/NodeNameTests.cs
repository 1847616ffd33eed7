using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeNameTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p"), Node("node-1"), null).SetName("Filter_PodWithoutNodeName_Fits");
        yield return new TestCaseData(Pod("p", nodeName: "node-1"), Node("node-1"), null).SetName("Filter_PodNamingThisNode_Fits");
        yield return new TestCaseData(Pod("p", nodeName: "node-2"), Node("node-1"), NodeName.ErrReason).SetName("Filter_PodNamingOtherNode_Rejects");
    }

    [TestCaseSource(nameof(Cases))]
    public void Filter(Pod pod, Node node, string? expected) =>
        Assert.That(FilterAssert.Run(new NodeName(), pod, node), Is.EqualTo(expected));

    [Test]
    public void ErrReason_IsKubernetesMessage() =>
        Assert.That(NodeName.ErrReason, Is.EqualTo("node(s) didn't match the requested node name"));
}
