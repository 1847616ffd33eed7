using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class SelectorSpreadTests
{
    private static Pod Owned(Pod pod, string ownerUid) => pod with
    {
        Metadata = pod.Metadata with
        {
            OwnerReferences = [new OwnerReference { ApiVersion = "apps/v1", Kind = "ReplicaSet", Name = "web", Uid = ownerUid, Controller = true }],
        },
    };

    private static IEnumerable<TestCaseData> Cases()
    {
        var siblings = new[]
        {
            Owned(Pod("web-1", nodeName: "n1"), "rs-1"), Owned(Pod("web-2", nodeName: "n1"), "rs-1"), Owned(Pod("web-3", nodeName: "n2"), "rs-1"),
            Owned(Pod("other", nodeName: "n3"), "rs-2"),
        };
        yield return new TestCaseData(Owned(Pod("web-4"), "rs-1"), new[] { Node("n1"), Node("n2"), Node("n3") }, siblings, new long[] { 0, 50, 100 })
            .SetName("Score_FewerSiblingsOnNode_ScoresHigher");
        yield return new TestCaseData(
            Owned(Pod("web-4"), "rs-1"),
            new[] { Node("n1", labels: Labels("topology.kubernetes.io/zone=a")), Node("n2", labels: Labels("topology.kubernetes.io/zone=a")), Node("n3", labels: Labels("topology.kubernetes.io/zone=b")) },
            siblings, new long[] { 0, 16, 100 }).SetName("Score_Zones_WeighTwoThirds");
        yield return new TestCaseData(Pod("loner"), new[] { Node("n1"), Node("n2"), Node("n3") }, siblings, new long[] { 0, 0, 0 })
            .SetName("Score_PodWithoutController_NotScored");
        yield return new TestCaseData(Owned(Pod("web-4", ns: "other"), "rs-1"), new[] { Node("n1"), Node("n2"), Node("n3") }, siblings, new long[] { 100, 100, 100 })
            .SetName("Score_SiblingsInOtherNamespace_NotCounted");
    }

    [TestCaseSource(nameof(Cases))]
    public void Score(Pod pod, Node[] nodes, Pod[] existing, long[] expected) =>
        Assert.That(FilterAssert.Scores(new SelectorSpread(), pod, nodes, existing), Is.EqualTo(expected));
}
