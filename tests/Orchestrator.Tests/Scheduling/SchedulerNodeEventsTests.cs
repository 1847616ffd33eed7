using Orchestrator.Api;
using Orchestrator.Scheduling;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling;

public sealed class SchedulerNodeEventsTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        var node = Node("n");
        yield return new TestCaseData(node, node with { Status = node.Status! with { Conditions = [new NodeCondition { Type = "Ready", Status = "True", LastHeartbeatTime = DateTimeOffset.UnixEpoch }] } }, false)
            .SetName("NodeSchedulingPropertiesChanged_HeartbeatOnly_False");
        yield return new TestCaseData(node, Node("n", ready: ConditionStatus.False), true).SetName("NodeSchedulingPropertiesChanged_Readiness_True");
        yield return new TestCaseData(node, Node("n", unschedulable: true), true).SetName("NodeSchedulingPropertiesChanged_Cordoned_True");
        yield return new TestCaseData(node, Node("n", cpu: "8"), true).SetName("NodeSchedulingPropertiesChanged_Allocatable_True");
        yield return new TestCaseData(node, Node("n", labels: Labels("disk=ssd")), true).SetName("NodeSchedulingPropertiesChanged_Labels_True");
        yield return new TestCaseData(node, Node("n", taints: [new Taint { Key = "k", Effect = TaintEffect.NoSchedule }]), true)
            .SetName("NodeSchedulingPropertiesChanged_Taints_True");
        yield return new TestCaseData(node, Node("n"), false).SetName("NodeSchedulingPropertiesChanged_EqualCopy_False");
    }

    [TestCaseSource(nameof(Cases))]
    public void NodeSchedulingPropertiesChanged(Node old, Node updated, bool expected) =>
        Assert.That(Scheduler.NodeSchedulingPropertiesChanged(old, updated), Is.EqualTo(expected));
}
