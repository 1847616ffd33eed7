using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeUnschedulableTests
{
    private const string Reason = "node(s) were unschedulable";

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p"), Node("n"), null).SetName("Filter_SchedulableNode_Fits");
        yield return new TestCaseData(Pod("p"), Node("n", unschedulable: true), Reason).SetName("Filter_CordonedNode_Rejects");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = WellKnownLabels.TaintNodeUnschedulable, Operator = TolerationOperator.Exists, Effect = TaintEffect.NoSchedule }]),
            Node("n", unschedulable: true), null).SetName("Filter_CordonedNodeToleratedByPod_Fits");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Operator = TolerationOperator.Exists }]),
            Node("n", unschedulable: true), null).SetName("Filter_CordonedNodeWithTolerateEverything_Fits");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = "other", Operator = TolerationOperator.Exists }]),
            Node("n", unschedulable: true), Reason).SetName("Filter_CordonedNodeWithUnrelatedToleration_Rejects");
    }

    [TestCaseSource(nameof(Cases))]
    public void Filter(Pod pod, Node node, string? expected) =>
        Assert.That(FilterAssert.Run(new NodeUnschedulable(), pod, node), Is.EqualTo(expected));
}
