using Orchestrator.Api;
using Orchestrator.Scheduling.Plugins;
using static Orchestrator.Tests.Scheduling.SchedulingTestData;

namespace Orchestrator.Tests.Scheduling.Plugins;

public sealed class NodePortsTests
{
    private const string Reason = "node(s) didn't have free ports for the requested pod ports";

    private static ContainerPort Port(int hostPort, string protocol = "TCP", string? hostIp = null) =>
        new() { Port = 80, HostPort = hostPort, Protocol = protocol, HostIP = hostIp };

    private static Pod Existing(params ContainerPort[] ports) => Pod("existing", nodeName: "n", ports: ports);

    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(Pod("p"), new[] { Existing(Port(8080)) }, null).SetName("Filter_PodWithoutHostPorts_Fits");
        yield return new TestCaseData(Pod("p", ports: [Port(8080)]), Array.Empty<Pod>(), null).SetName("Filter_FreeNode_Fits");
        yield return new TestCaseData(Pod("p", ports: [Port(8080)]), new[] { Existing(Port(8080)) }, Reason).SetName("Filter_SamePortAndProtocol_Rejects");
        yield return new TestCaseData(Pod("p", ports: [Port(8080, "UDP")]), new[] { Existing(Port(8080)) }, null).SetName("Filter_OtherProtocol_Fits");
        yield return new TestCaseData(Pod("p", ports: [Port(8081)]), new[] { Existing(Port(8080)) }, null).SetName("Filter_OtherPort_Fits");
        yield return new TestCaseData(Pod("p", ports: [Port(8080, hostIp: "10.0.0.1")]), new[] { Existing(Port(8080, hostIp: "10.0.0.2")) }, null)
            .SetName("Filter_DifferentHostIps_Fits");
        yield return new TestCaseData(Pod("p", ports: [Port(8080, hostIp: "10.0.0.1")]), new[] { Existing(Port(8080)) }, Reason)
            .SetName("Filter_SpecificIpAgainstWildcard_Rejects");
        yield return new TestCaseData(Pod("p", ports: [Port(8080, hostIp: "0.0.0.0")]), new[] { Existing(Port(8080, hostIp: "10.0.0.2")) }, Reason)
            .SetName("Filter_WildcardAgainstSpecificIp_Rejects");
        yield return new TestCaseData(Pod("p", ports: [new ContainerPort { Port = 8080 }]), new[] { Existing(Port(8080)) }, null)
            .SetName("Filter_ContainerPortWithoutHostPort_Fits");
    }

    [TestCaseSource(nameof(Cases))]
    public void Filter(Pod pod, Pod[] existing, string? expected) =>
        Assert.That(FilterAssert.Run(new NodePorts(), pod, Node("n"), existing: existing), Is.EqualTo(expected));
}
