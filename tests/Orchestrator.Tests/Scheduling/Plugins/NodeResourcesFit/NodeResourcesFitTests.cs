using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodeResourcesFitTests
{
    private static readonly IReadOnlyDictionary<string, Quantity> OneGpu =
        ImmutableDictionary<string, Quantity>.Empty.Add("example.com/gpu", Quantity.FromUnits(1));

    private static IEnumerable<TestCaseData> Cases()
    {
        var node = Node("n", cpu: "2", memory: "4Gi", pods: 3, extra: OneGpu);
        yield return new TestCaseData(Pod("p", cpu: "1", memory: "1Gi"), node, Array.Empty<Pod>(), null).SetName("Filter_EnoughResources_Fits");
        yield return new TestCaseData(Pod("p", cpu: "2", memory: "4Gi"), node, Array.Empty<Pod>(), null).SetName("Filter_ExactlyAllocatable_Fits");
        yield return new TestCaseData(Pod("p", cpu: "2500m"), node, Array.Empty<Pod>(), "Insufficient cpu").SetName("Filter_TooMuchCpu_Rejects");
        yield return new TestCaseData(Pod("p", cpu: "1", memory: "1Gi"), node, new[] { Pod("e", cpu: "1500m", nodeName: "n") }, "Insufficient cpu")
            .SetName("Filter_CpuTakenByExistingPods_Rejects");
        yield return new TestCaseData(Pod("p", cpu: "3", memory: "5Gi"), node, Array.Empty<Pod>(), "Insufficient cpu; Insufficient memory")
            .SetName("Filter_CpuAndMemoryShort_ReportsBoth");
        yield return new TestCaseData(Pod("p"), node, new[] { Pod("e1", nodeName: "n"), Pod("e2", nodeName: "n"), Pod("e3", nodeName: "n") }, "Too many pods")
            .SetName("Filter_NodeAtPodLimit_RejectsTooManyPods");
        yield return new TestCaseData(Pod("p"), Node("n", cpu: "0", memory: "0"), Array.Empty<Pod>(), null).SetName("Filter_PodRequestingNothing_Fits");
        yield return new TestCaseData(Pod("p", extraRequests: OneGpu), node, Array.Empty<Pod>(), null).SetName("Filter_ExtendedResourceAvailable_Fits");
        yield return new TestCaseData(Pod("p", extraRequests: OneGpu), node, new[] { Pod("e", nodeName: "n", extraRequests: OneGpu) }, "Insufficient example.com/gpu")
            .SetName("Filter_ExtendedResourceTaken_Rejects");
        yield return new TestCaseData(Pod("p", extraRequests: OneGpu), Node("plain"), Array.Empty<Pod>(), "Insufficient example.com/gpu")
            .SetName("Filter_ExtendedResourceUnknownToNode_Rejects");
        yield return new TestCaseData(Pod("p", cpu: "1"), node, new[] { Pod("done", cpu: "2", nodeName: "n") with { Status = new PodStatus { Phase = PodPhase.Succeeded } } }, null)
            .SetName("Filter_TerminatedPodsFreeTheirResources_Fits");
    }

    [TestCaseSource(nameof(Cases))]
    public void Filter(Pod pod, Node node, Pod[] existing, string? expected) =>
        Assert.That(FilterAssert.Run(new NodeResourcesFit(), pod, node, existing: existing), Is.EqualTo(expected));
}
