using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Controllers;

namespace Orchestrator.Tests.Controllers.DaemonSets;

public sealed class DaemonSetPlacementTests
{
    private static Node ReadyNode(IReadOnlyDictionary<string, string>? labels = null, string ready = ConditionStatus.True, params Taint[] taints) => new()
    {
        Metadata = new ObjectMeta { Name = "n1", Labels = labels ?? ImmutableDictionary<string, string>.Empty.Add("zone", "a") },
        Spec = new NodeSpec { Taints = taints },
        Status = new NodeStatus { Conditions = [new NodeCondition { Type = NodeConditionType.Ready, Status = ready }] },
    };

    private static PodSpec Spec(Func<PodSpec, PodSpec>? change = null)
    {
        var spec = new PodSpec { Containers = [new Container { Name = "c", Image = "i" }] };
        return DaemonSetPlacement.WithDaemonTolerations(change is null ? spec : change(spec));
    }

    private static NodeSelector Required(string key, string op, params string[] values) => new()
    {
        NodeSelectorTerms = [new NodeSelectorTerm { MatchExpressions = [new NodeSelectorRequirement { Key = key, Operator = op, Values = values }] }],
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        TestCaseData Case(Node node, PodSpec spec, bool run, bool keep, string name) => new TestCaseData(node, spec, run, keep).SetName($"ShouldRun_{name}");

        yield return Case(ReadyNode(), Spec(), true, true, "PlainNode_Runs");
        yield return Case(ReadyNode(), Spec(s => s with { NodeSelector = ImmutableDictionary<string, string>.Empty.Add("zone", "a") }), true, true, "SelectorMatches");
        yield return Case(ReadyNode(), Spec(s => s with { NodeSelector = ImmutableDictionary<string, string>.Empty.Add("zone", "b") }), false, false, "SelectorMismatch");
        yield return Case(ReadyNode(), Spec(s => s with { Affinity = new Affinity { NodeAffinity = new NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = Required("zone", "In", "a", "b") } } }),
            true, true, "RequiredAffinityIn");
        yield return Case(ReadyNode(), Spec(s => s with { Affinity = new Affinity { NodeAffinity = new NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = Required("zone", "NotIn", "a") } } }),
            false, false, "RequiredAffinityNotIn");
        yield return Case(ReadyNode(), Spec(s => s with { NodeName = "other" }), false, false, "NodeNameOfAnotherNode");
        yield return Case(ReadyNode(taints: new Taint { Key = "gpu", Effect = TaintEffect.NoSchedule }), Spec(), false, true,
            "NoScheduleTaint_NoNewPodButKeepsRunning");
        yield return Case(ReadyNode(taints: new Taint { Key = "gpu", Effect = TaintEffect.NoExecute }), Spec(), false, false, "NoExecuteTaint_Evicts");
        yield return Case(ReadyNode(taints: new Taint { Key = "gpu", Effect = TaintEffect.PreferNoSchedule }), Spec(), true, true, "PreferNoSchedule_Ignored");
        yield return Case(ReadyNode(taints: new Taint { Key = "gpu", Effect = TaintEffect.NoSchedule }),
            Spec(s => s with { Tolerations = [new Toleration { Key = "gpu", Operator = TolerationOperator.Exists }] }), true, true, "TaintTolerated");
        yield return Case(ReadyNode(taints: new Taint { Key = WellKnownLabels.TaintNodeUnschedulable, Effect = TaintEffect.NoSchedule }), Spec(), true, true,
            "Cordoned_DaemonToleration");
        yield return Case(ReadyNode(taints: new Taint { Key = "node.kubernetes.io/memory-pressure", Effect = TaintEffect.NoSchedule }), Spec(), true, true,
            "MemoryPressure_DaemonToleration");
        yield return Case(ReadyNode(ready: ConditionStatus.False), Spec(), false, true, "NotReady_NoNewPodButKeepsRunning");
        yield return Case(ReadyNode(ready: ConditionStatus.Unknown, taints: new Taint { Key = WellKnownLabels.TaintNodeUnreachable, Effect = TaintEffect.NoExecute }),
            Spec(), false, true, "Unreachable_NoExecuteTolerated");
    }

    [TestCaseSource(nameof(Cases))]
    public void ShouldRun_Table(Node node, PodSpec spec, bool shouldRun, bool shouldContinueRunning)
    {
        var result = DaemonSetPlacement.ShouldRun(node, spec);

        Assert.That(result, Is.EqualTo((shouldRun, shouldContinueRunning)));
    }

    [Test]
    public void PinToNode_ExistingRequiredAffinity_ReplacedByNodeName()
    {
        var affinity = new Affinity
        {
            NodeAffinity = new NodeAffinity
            {
                RequiredDuringSchedulingIgnoredDuringExecution = Required("zone", "In", "a"),
                PreferredDuringSchedulingIgnoredDuringExecution = [new PreferredSchedulingTerm { Weight = 5, Preference = new NodeSelectorTerm() }],
            },
        };

        var pinned = DaemonSetPlacement.PinToNode(affinity, "node-7");

        var term = pinned.NodeAffinity!.RequiredDuringSchedulingIgnoredDuringExecution!.NodeSelectorTerms.Single();
        Assert.Multiple(() =>
        {
            Assert.That(term.MatchExpressions, Is.Empty);
            Assert.That(term.MatchFields.Single(), Is.EqualTo(new NodeSelectorRequirement { Key = "metadata.name", Operator = "In", Values = term.MatchFields[0].Values }));
            Assert.That(term.MatchFields[0].Values, Is.EqualTo(new[] { "node-7" }));
            Assert.That(pinned.NodeAffinity.PreferredDuringSchedulingIgnoredDuringExecution, Has.Count.EqualTo(1), "preferences are kept");
            Assert.That(DaemonSetPlacement.TargetNode(new Pod { Spec = new PodSpec { Affinity = pinned } }), Is.EqualTo("node-7"));
        });
    }

    [Test]
    public void WithDaemonTolerations_HostNetwork_AddsNetworkUnavailable()
    {
        var spec = DaemonSetPlacement.WithDaemonTolerations(new PodSpec { HostNetwork = true });

        Assert.That(spec.Tolerations.Select(t => (t.Key, t.Effect)), Is.EquivalentTo(new[]
        {
            (WellKnownLabels.TaintNodeNotReady, TaintEffect.NoExecute),
            (WellKnownLabels.TaintNodeUnreachable, TaintEffect.NoExecute),
            (DaemonSetPlacement.TaintDiskPressure, TaintEffect.NoSchedule),
            (DaemonSetPlacement.TaintMemoryPressure, TaintEffect.NoSchedule),
            (DaemonSetPlacement.TaintPidPressure, TaintEffect.NoSchedule),
            (WellKnownLabels.TaintNodeUnschedulable, TaintEffect.NoSchedule),
            (DaemonSetPlacement.TaintNetworkUnavailable, TaintEffect.NoSchedule),
        }));
    }
}
