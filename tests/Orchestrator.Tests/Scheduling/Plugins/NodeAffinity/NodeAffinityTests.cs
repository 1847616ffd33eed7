using Orchestrator.Api;
using NodeAffinityPlugin = Orchestrator.Scheduling.Plugins.NodeAffinity;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeAffinityTests
{
    private const string Reason = "node(s) didn't match Pod's node affinity/selector";

    private static NodeSelectorRequirement Req(string key, string op, params string[] values) =>
        new() { Key = key, Operator = op, Values = values };

    private static Affinity Required(params NodeSelectorTerm[] terms) =>
        new() { NodeAffinity = new Orchestrator.Api.NodeAffinity { RequiredDuringSchedulingIgnoredDuringExecution = new NodeSelector { NodeSelectorTerms = terms } } };

    private static NodeSelectorTerm Expressions(params NodeSelectorRequirement[] requirements) => new() { MatchExpressions = requirements };

    private static IEnumerable<TestCaseData> FilterCases()
    {
        var node = Node("node-1", labels: Labels("disk=ssd", "zone=a", "cores=8"));
        yield return new TestCaseData(Pod("p"), node, null).SetName("Filter_NoConstraints_Fits");
        yield return new TestCaseData(Pod("p", nodeSelector: Labels("disk=ssd")), node, null).SetName("Filter_MatchingNodeSelector_Fits");
        yield return new TestCaseData(Pod("p", nodeSelector: Labels("disk=hdd")), node, Reason).SetName("Filter_NodeSelectorOtherValue_Rejects");
        yield return new TestCaseData(Pod("p", nodeSelector: Labels("gpu=true")), node, Reason).SetName("Filter_NodeSelectorMissingLabel_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "In", "a", "b")))), node, null).SetName("Filter_InMatches_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "In", "b")))), node, Reason).SetName("Filter_InWithoutValue_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "NotIn", "b")))), node, null).SetName("Filter_NotInOtherValue_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "NotIn", "a")))), node, Reason).SetName("Filter_NotInOwnValue_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("gpu", "NotIn", "x")))), node, null).SetName("Filter_NotInMissingLabel_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("disk", "Exists")))), node, null).SetName("Filter_Exists_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("gpu", "Exists")))), node, Reason).SetName("Filter_ExistsMissing_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("gpu", "DoesNotExist")))), node, null).SetName("Filter_DoesNotExist_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("disk", "DoesNotExist")))), node, Reason).SetName("Filter_DoesNotExistPresent_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("cores", "Gt", "4")))), node, null).SetName("Filter_GtSmaller_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("cores", "Gt", "8")))), node, Reason).SetName("Filter_GtEqual_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("cores", "Lt", "16")))), node, null).SetName("Filter_LtLarger_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "Lt", "16")))), node, Reason).SetName("Filter_LtNonInteger_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "In", "b")), Expressions(Req("disk", "In", "ssd")))), node, null)
            .SetName("Filter_SecondTermMatches_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(Expressions(Req("zone", "In", "a"), Req("disk", "In", "hdd")))), node, Reason)
            .SetName("Filter_OneRequirementOfTermFails_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Required(new NodeSelectorTerm())), node, Reason).SetName("Filter_EmptyTerm_MatchesNothing");
        yield return new TestCaseData(Pod("p", affinity: Required(new NodeSelectorTerm { MatchFields = [Req("metadata.name", "In", "node-1")] })), node, null)
            .SetName("Filter_MatchFieldsName_Fits");
        yield return new TestCaseData(Pod("p", affinity: Required(new NodeSelectorTerm { MatchFields = [Req("metadata.name", "NotIn", "node-1")] })), node, Reason)
            .SetName("Filter_MatchFieldsNameNotIn_Rejects");
        yield return new TestCaseData(Pod("p", nodeSelector: Labels("disk=hdd"), affinity: Required(Expressions(Req("zone", "In", "a")))), node, Reason)
            .SetName("Filter_AffinityMatchesButNodeSelectorNot_Rejects");
    }

    [TestCaseSource(nameof(FilterCases))]
    public void Filter(Pod pod, Node node, string? expected) =>
        Assert.That(FilterAssert.Run(new NodeAffinityPlugin(), pod, node), Is.EqualTo(expected));

    private static IEnumerable<TestCaseData> ScoreCases()
    {
        var ssd = Node("ssd", labels: Labels("disk=ssd"));
        var ssdZoneA = Node("ssd-a", labels: Labels("disk=ssd", "zone=a"));
        var plain = Node("plain");
        var preferred = new Affinity
        {
            NodeAffinity = new Orchestrator.Api.NodeAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution =
                [
                    new PreferredSchedulingTerm { Weight = 2, Preference = Expressions(Req("disk", "In", "ssd")) },
                    new PreferredSchedulingTerm { Weight = 6, Preference = Expressions(Req("zone", "In", "a")) },
                ],
            },
        };
        yield return new TestCaseData(Pod("p", affinity: preferred), new[] { ssd, ssdZoneA, plain }, new long[] { 25, 100, 0 })
            .SetName("Score_PreferredWeights_NormalizedToBest");
        yield return new TestCaseData(Pod("p"), new[] { ssd, plain }, new long[] { 0, 0 }).SetName("Score_NoPreferences_AllZero");
    }

    [TestCaseSource(nameof(ScoreCases))]
    public void Score(Pod pod, Node[] nodes, long[] expected) =>
        Assert.That(FilterAssert.Scores(new NodeAffinityPlugin(), pod, nodes), Is.EqualTo(expected));
}
