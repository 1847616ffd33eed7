using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeReadyTests
{
    private const string NotReady = "node(s) had untolerated taint {node.kubernetes.io/not-ready: }";
    private const string Unreachable = "node(s) had untolerated taint {node.kubernetes.io/unreachable: }";

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p"), Node("n"), null).SetName("Filter_ReadyNode_Fits");
        yield return new TestCaseData(Pod("p"), Node("n", ready: ConditionStatus.False), NotReady).SetName("Filter_NotReadyNode_RejectsWithNotReadyTaint");
        yield return new TestCaseData(Pod("p"), Node("n", ready: ""), NotReady).SetName("Filter_NodeWithoutReadyCondition_RejectsWithNotReadyTaint");
        yield return new TestCaseData(Pod("p"), Node("n", ready: ConditionStatus.Unknown), Unreachable).SetName("Filter_UnknownReadiness_RejectsWithUnreachableTaint");
        yield return new TestCaseData(
            Pod("p", tolerations: [new Toleration { Key = WellKnownLabels.TaintNodeNotReady, Operator = TolerationOperator.Exists }]),
            Node("n", ready: ConditionStatus.False), null).SetName("Filter_NotReadyNodeToleratedByPod_Fits");
        yield return new TestCaseData(
            Pod("p"),
            Node("n", ready: ConditionStatus.False, taints: [new Taint { Key = WellKnownLabels.TaintNodeNotReady, Effect = TaintEffect.NoExecute }]),
            null).SetName("Filter_NodeAlreadyCarryingTheTaint_LeavesItToTaintToleration");
    }

    [TestCaseSource(nameof(Cases))]
    public void Filter(Pod pod, Node node, string? expected) =>
        Assert.That(FilterAssert.Run(new NodeReady(), pod, node), Is.EqualTo(expected));
}
