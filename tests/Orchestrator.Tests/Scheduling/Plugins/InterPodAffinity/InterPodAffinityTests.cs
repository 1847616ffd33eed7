using Orchestrator.Api;
using Orchestrator.Scheduling;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class InterPodAffinityTests
{
    private const string Hostname = WellKnownLabels.Hostname;
    private const string Zone = WellKnownLabels.Zone;

    private static Affinity AntiAffinity(params PodAffinityTerm[] terms) =>
        new() { PodAntiAffinity = new PodAntiAffinity { RequiredDuringSchedulingIgnoredDuringExecution = terms } };

    private static Affinity Affinity(params PodAffinityTerm[] terms) =>
        new() { PodAffinity = new PodAffinity { RequiredDuringSchedulingIgnoredDuringExecution = terms } };

    private static readonly Node Node1 = Node("node-1", labels: Labels("topology.kubernetes.io/zone=a"));
    private static readonly Node Node2 = Node("node-2", labels: Labels("topology.kubernetes.io/zone=a"));
    private static readonly Node Node3 = Node("node-3", labels: Labels("topology.kubernetes.io/zone=b"));

    private static IEnumerable<TestCaseData> FilterCases()
    {
        var frontendOn1 = Pod("fe-0", labels: Labels("name=frontend"), nodeName: "node-1");
        var frontendOn2 = Pod("fe-0", labels: Labels("name=frontend"), nodeName: "node-2");
        var frontendOtherNs = Pod("fe-0", ns: "other", labels: Labels("name=frontend"), nodeName: "node-1");

        yield return new TestCaseData(Pod("p"), new[] { frontendOn1 }, null).SetName("Filter_NoTerms_Fits");
        yield return new TestCaseData(Pod("p", affinity: AntiAffinity(Term(Hostname, "name=frontend"))), new[] { frontendOn1 }, InterPodAffinity.ErrAntiAffinity)
            .SetName("Filter_AntiAffinityMatchingPodOnNode_Rejects");
        yield return new TestCaseData(Pod("p", affinity: AntiAffinity(Term(Hostname, "name=frontend"))), new[] { frontendOn2 }, null)
            .SetName("Filter_AntiAffinityMatchingPodOnOtherNode_Fits");
        yield return new TestCaseData(Pod("p", affinity: AntiAffinity(Term(Zone, "name=frontend"))), new[] { frontendOn2 }, InterPodAffinity.ErrAntiAffinity)
            .SetName("Filter_ZoneAntiAffinityMatchingPodInSameZone_Rejects");
        yield return new TestCaseData(Pod("p", affinity: AntiAffinity(Term(Hostname, "name=backend"))), new[] { frontendOn1 }, null)
            .SetName("Filter_AntiAffinityNotMatchingLabels_Fits");
        yield return new TestCaseData(Pod("p", affinity: AntiAffinity(Term(Hostname, "name=frontend"))), new[] { frontendOtherNs }, null)
            .SetName("Filter_AntiAffinityPodInOtherNamespace_FitsByDefault");
        yield return new TestCaseData(
            Pod("p", affinity: AntiAffinity(Term(Hostname, "name=frontend") with { Namespaces = ["other"] })), new[] { frontendOtherNs }, InterPodAffinity.ErrAntiAffinity)
            .SetName("Filter_AntiAffinityNamingOtherNamespace_Rejects");
        yield return new TestCaseData(
            Pod("p", affinity: AntiAffinity(Term(Hostname, "name=frontend") with { NamespaceSelector = new LabelSelector() })), new[] { frontendOtherNs },
            InterPodAffinity.ErrAntiAffinity).SetName("Filter_AntiAffinityEmptyNamespaceSelector_MatchesAllNamespaces");
        yield return new TestCaseData(Pod("p", affinity: Affinity(Term(Hostname, "name=frontend"))), new[] { frontendOn1 }, null)
            .SetName("Filter_AffinityMatchingPodOnNode_Fits");
        yield return new TestCaseData(Pod("p", affinity: Affinity(Term(Hostname, "name=frontend"))), new[] { frontendOn2 }, InterPodAffinity.ErrAffinity)
            .SetName("Filter_AffinityMatchingPodOnlyElsewhere_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Affinity(Term(Zone, "name=frontend"))), new[] { frontendOn2 }, null)
            .SetName("Filter_ZoneAffinityMatchingPodInSameZone_Fits");
        yield return new TestCaseData(Pod("p", labels: Labels("name=frontend"), affinity: Affinity(Term(Hostname, "name=frontend"))), Array.Empty<Pod>(), null)
            .SetName("Filter_SelfAffineFirstPod_Fits");
        yield return new TestCaseData(Pod("p", affinity: Affinity(Term(Hostname, "name=frontend"))), Array.Empty<Pod>(), InterPodAffinity.ErrAffinity)
            .SetName("Filter_AffinityWithNoMatchingPodAnywhere_Rejects");
        yield return new TestCaseData(Pod("p", affinity: Affinity(Term("rack", "name=frontend"))), new[] { frontendOn1 }, InterPodAffinity.ErrAffinity)
            .SetName("Filter_AffinityTopologyLabelMissingOnNode_Rejects");
        yield return new TestCaseData(
            Pod("p", labels: Labels("app=web")),
            new[] { Pod("guard", nodeName: "node-1", affinity: AntiAffinity(Term(Hostname, "app=web"))) },
            InterPodAffinity.ErrExistingAntiAffinity).SetName("Filter_ExistingPodAntiAffinityMatchingIncoming_Rejects");
        yield return new TestCaseData(
            Pod("p", labels: Labels("app=web")),
            new[] { Pod("guard", nodeName: "node-2", affinity: AntiAffinity(Term(Hostname, "app=web"))) },
            null).SetName("Filter_ExistingPodAntiAffinityOnOtherNode_Fits");
    }

    [TestCaseSource(nameof(FilterCases))]
    public void Filter(Pod pod, Pod[] existing, string? expected) =>
        Assert.That(FilterAssert.Run(new InterPodAffinity(), pod, Node1, [Node2, Node3], existing), Is.EqualTo(expected));

    [Test]
    public void Filter_NamespaceSelectorWithLabels_MatchesPodsInLabelledNamespaces()
    {
        var cache = Cache([Node1, Node2], [Pod("fe-0", ns: "team-a", labels: Labels("name=frontend"), nodeName: "node-1")]);
        cache.SetNamespace("team-a", Labels("team=a"));
        var context = new SchedulingContext(cache);
        var term = Term(Hostname, "name=frontend") with { NamespaceSelector = Selector("team=a") };
        var pod = new PodInfo(Pod("p", affinity: AntiAffinity(term)));
        var plugin = new InterPodAffinity();

        plugin.PreFilter(context, pod);

        Assert.Multiple(() =>
        {
            Assert.That(plugin.Filter(context, pod, context.GetNode("node-1")!).Reasons, Is.EqualTo(new[] { InterPodAffinity.ErrAntiAffinity }));
            Assert.That(plugin.Filter(context, pod, context.GetNode("node-2")!).IsSuccess, Is.True);
        });
    }

    private static IEnumerable<TestCaseData> ScoreCases()
    {
        var backendOn1 = Pod("be-0", labels: Labels("tier=backend"), nodeName: "node-1");
        var preferAffinity = new Affinity
        {
            PodAffinity = new PodAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 10, PodAffinityTerm = Term(Hostname, "tier=backend") }],
            },
        };
        var preferAntiAffinity = new Affinity
        {
            PodAntiAffinity = new PodAntiAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 10, PodAffinityTerm = Term(Zone, "tier=backend") }],
            },
        };
        yield return new TestCaseData(Pod("p", affinity: preferAffinity), new[] { backendOn1 }, new long[] { 100, 0, 0 })
            .SetName("Score_PreferredAffinity_FavoursNodeWithMatchingPod");
        yield return new TestCaseData(Pod("p", affinity: preferAntiAffinity), new[] { backendOn1 }, new long[] { 0, 0, 100 })
            .SetName("Score_PreferredZoneAntiAffinity_FavoursOtherZone");
        yield return new TestCaseData(
            Pod("p", labels: Labels("tier=frontend")),
            new[] { Pod("be-0", labels: Labels("tier=backend"), nodeName: "node-3", affinity: preferAffinity with { PodAffinity = new PodAffinity
            {
                PreferredDuringSchedulingIgnoredDuringExecution = [new WeightedPodAffinityTerm { Weight = 5, PodAffinityTerm = Term(Hostname, "tier=frontend") }],
            } }) },
            new long[] { 0, 0, 100 }).SetName("Score_ExistingPodPreferringIncoming_FavoursItsNode");
        yield return new TestCaseData(Pod("p"), new[] { backendOn1 }, new long[] { 0, 0, 0 }).SetName("Score_NoTermsAnywhere_AllZero");
    }

    [TestCaseSource(nameof(ScoreCases))]
    public void Score(Pod pod, Pod[] existing, long[] expected) =>
        Assert.That(FilterAssert.Scores(new InterPodAffinity(), pod, [Node1, Node2, Node3], existing), Is.EqualTo(expected));
}
