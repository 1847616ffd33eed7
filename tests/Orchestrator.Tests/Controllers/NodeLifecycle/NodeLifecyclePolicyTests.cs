using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.NodeLifecycle;

public sealed class NodeLifecyclePolicyTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Default = TimeSpan.FromSeconds(300);
    private static readonly Taint Unreachable = new() { Key = WellKnownLabels.TaintNodeUnreachable, Effect = TaintEffect.NoExecute, TimeAdded = T0 };
    private static readonly Taint NotReady = new() { Key = WellKnownLabels.TaintNodeNotReady, Effect = TaintEffect.NoExecute, TimeAdded = T0 };
    private static readonly Taint Dedicated = new() { Key = "dedicated", Value = "db", Effect = TaintEffect.NoExecute, TimeAdded = T0 };

    private static IEnumerable<TestCaseData> EvictionCases()
    {
        yield return new TestCaseData(new Taint[] { Unreachable }, Array.Empty<Toleration>(), 300L)
            .SetName("EvictionTime_NoToleration_DefaultTolerationPeriod");
        yield return new TestCaseData(new[] { Unreachable }, new[] { Tolerate(WellKnownLabels.TaintNodeUnreachable, 60) }, 60L)
            .SetName("EvictionTime_TolerationSeconds_UsesThem");
        yield return new TestCaseData(new[] { Unreachable }, new[] { Tolerate(WellKnownLabels.TaintNodeUnreachable, null) }, null)
            .SetName("EvictionTime_TolerationWithoutSeconds_Never");
        yield return new TestCaseData(new[] { Unreachable },
                new[] { Tolerate(WellKnownLabels.TaintNodeUnreachable, null), Tolerate(WellKnownLabels.TaintNodeUnreachable, 120) }, 120L)
            .SetName("EvictionTime_SeveralMatchingTolerations_ShortestSecondsWins");
        yield return new TestCaseData(new[] { Unreachable }, new[] { Tolerate(WellKnownLabels.TaintNodeUnreachable, -5) }, 0L)
            .SetName("EvictionTime_NegativeSeconds_AtOnce");
        yield return new TestCaseData(new[] { Unreachable }, new[] { Tolerate(WellKnownLabels.TaintNodeNotReady, 10) }, 300L)
            .SetName("EvictionTime_TolerationOfAnotherTaint_DefaultApplies");
        yield return new TestCaseData(new[] { Unreachable }, new[] { new Toleration { Operator = TolerationOperator.Exists } }, null)
            .SetName("EvictionTime_TolerateEverything_Never");
        yield return new TestCaseData(new[] { Dedicated }, Array.Empty<Toleration>(), 0L)
            .SetName("EvictionTime_UntoleratedCustomTaint_AtOnce");
        yield return new TestCaseData(new[] { Unreachable, NotReady },
                new[] { Tolerate(WellKnownLabels.TaintNodeUnreachable, 600), Tolerate(WellKnownLabels.TaintNodeNotReady, 30) }, 30L)
            .SetName("EvictionTime_SeveralTaints_EarliestDeadlineWins");
    }

    [TestCaseSource(nameof(EvictionCases))]
    public void EvictionTime(Taint[] taints, Toleration[] tolerations, long? expectedSecondsAfterTaint)
    {
        var pod = new Pod { Spec = new PodSpec { Tolerations = tolerations } };

        var at = NodeLifecyclePolicy.EvictionTime(pod, taints, Default);

        Assert.That(at, Is.EqualTo(expectedSecondsAfterTaint is { } s ? T0.AddSeconds(s) : null));
    }

    [TestCase(ConditionStatus.True, new string[0])]
    [TestCase(ConditionStatus.False, new[] { WellKnownLabels.TaintNodeNotReady })]
    [TestCase(ConditionStatus.Unknown, new[] { WellKnownLabels.TaintNodeUnreachable })]
    public void Taints_ReadyStatus_ManagedTaintsFollowIt(string ready, string[] expectedKeys)
    {
        var user = new Taint { Key = "dedicated", Effect = TaintEffect.NoSchedule };
        var node = new Node
        {
            Spec = new NodeSpec { Taints = [user, Unreachable with { TimeAdded = T0.AddMinutes(-5) }] },
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = NodeConditionType.Ready, Status = ready }] },
        };

        var taints = NodeLifecyclePolicy.Taints(node, T0) ?? node.Spec.Taints;

        Assert.That(taints, Does.Contain(user));
        var managed = taints.Where(NodeLifecyclePolicy.IsManaged).ToArray();
        Assert.That(managed.Select(t => t.Key).Distinct(), Is.EquivalentTo(expectedKeys));
        Assert.That(managed.Select(t => t.Effect), Is.EquivalentTo(expectedKeys.SelectMany(_ => new[] { TaintEffect.NoSchedule, TaintEffect.NoExecute })));
        if (ready == ConditionStatus.Unknown)
        {
            Assert.That(managed.Single(t => t.Effect == TaintEffect.NoExecute).TimeAdded, Is.EqualTo(T0.AddMinutes(-5)), "an existing taint keeps its time");
        }
    }

    [Test]
    public void Taints_NoReadyCondition_NoChange()
    {
        var node = new Node { Spec = new NodeSpec { Taints = [Unreachable] } };

        Assert.That(NodeLifecyclePolicy.Taints(node, T0), Is.Null);
    }

    [Test]
    public void UnknownConditions_AlreadyUnknown_NoChange()
    {
        var node = new Node
        {
            Status = new NodeStatus
            {
                Conditions =
                [
                    new() { Type = NodeConditionType.Ready, Status = ConditionStatus.Unknown },
                    new() { Type = NodeConditionType.MemoryPressure, Status = ConditionStatus.Unknown },
                    new() { Type = NodeConditionType.DiskPressure, Status = ConditionStatus.Unknown },
                    new() { Type = NodeConditionType.PidPressure, Status = ConditionStatus.Unknown },
                    new() { Type = NodeConditionType.NetworkUnavailable, Status = ConditionStatus.False },
                ],
            },
        };

        Assert.That(NodeLifecyclePolicy.UnknownConditions(node, T0), Is.Null);
    }

    [Test]
    public void StaleAt_ReadyHeartbeat_HeartbeatPlusGrace_ElseCreationPlusStartupGrace()
    {
        var created = new ObjectMeta { Name = "n", CreationTimestamp = T0 };
        var reported = new Node
        {
            Metadata = created,
            Status = new NodeStatus { Conditions = [new NodeCondition { Type = NodeConditionType.Ready, LastHeartbeatTime = T0.AddSeconds(30) }] },
        };

        Assert.That(NodeLifecyclePolicy.StaleAt(reported, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60)), Is.EqualTo(T0.AddSeconds(70)));
        Assert.That(NodeLifecyclePolicy.StaleAt(new Node { Metadata = created }, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60)),
            Is.EqualTo(T0.AddSeconds(60)));
    }

    private static Toleration Tolerate(string key, long? seconds) =>
        new() { Key = key, Operator = TolerationOperator.Exists, Effect = TaintEffect.NoExecute, TolerationSeconds = seconds };
}
