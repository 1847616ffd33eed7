using System.Collections.Immutable;
using Orchestrator.Api;
using Orchestrator.Scheduling;

namespace Orchestrator.Tests.Scheduling;

public sealed class PodRequestsTests
{
    private static Container C(string? cpu = null, string? memory = null, string? restartPolicy = null, string? cpuLimit = null)
    {
        var requests = ImmutableDictionary<string, Quantity>.Empty;
        if (cpu is not null) requests = requests.Add(ResourceName.Cpu, Quantity.Parse(cpu));
        if (memory is not null) requests = requests.Add(ResourceName.Memory, Quantity.Parse(memory));
        var limits = ImmutableDictionary<string, Quantity>.Empty;
        if (cpuLimit is not null) limits = limits.Add(ResourceName.Cpu, Quantity.Parse(cpuLimit));
        return new Container { Name = "c", Image = "i", RestartPolicy = restartPolicy, Resources = new ResourceRequirements { Requests = requests, Limits = limits } };
    }

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new PodSpec { Containers = [C("100m", "1Gi"), C("200m", "1Gi")] }, 300L, 2L * 1024 * 1024 * 1024)
            .SetName("Compute_Containers_AreSummed");
        yield return new TestCaseData(new PodSpec { Containers = [C("100m")], InitContainers = [C("500m"), C("200m")] }, 500L, 0L)
            .SetName("Compute_LargerInitContainer_Wins");
        yield return new TestCaseData(new PodSpec { Containers = [C("300m")], InitContainers = [C("200m")] }, 300L, 0L)
            .SetName("Compute_SmallerInitContainer_Ignored");
        yield return new TestCaseData(new PodSpec { Containers = [C("300m")], InitContainers = [C("100m", restartPolicy: "Always"), C("250m")] }, 400L, 0L)
            .SetName("Compute_Sidecar_AddsToContainersAndLaterInitContainers");
        yield return new TestCaseData(
            new PodSpec { Containers = [C("100m")], Overhead = ImmutableDictionary<string, Quantity>.Empty.Add(ResourceName.Cpu, Quantity.Parse("50m")) }, 150L, 0L)
            .SetName("Compute_Overhead_IsAdded");
        yield return new TestCaseData(new PodSpec { Containers = [C(cpuLimit: "2")] }, 2000L, 0L).SetName("Compute_LimitWithoutRequest_CountsLimit");
        yield return new TestCaseData(new PodSpec { Containers = [C()] }, 0L, 0L).SetName("Compute_NoRequests_CountsZero");
    }

    [TestCaseSource(nameof(Cases))]
    public void Compute(PodSpec spec, long milliCpu, long memory)
    {
        var requests = PodRequests.Compute(spec);
        Assert.That((requests.MilliCpu, requests.Memory), Is.EqualTo((milliCpu, memory)));
    }

    [Test]
    public void Compute_NonZeroDefaults_FillMissingCpuAndMemoryPerContainer()
    {
        var requests = PodRequests.Compute(new PodSpec { Containers = [C(), C("1")] }, nonZeroDefaults: true);
        Assert.That((requests.MilliCpu, requests.Memory), Is.EqualTo((1100L, 2 * PodRequests.DefaultMemoryRequest)));
    }
}
