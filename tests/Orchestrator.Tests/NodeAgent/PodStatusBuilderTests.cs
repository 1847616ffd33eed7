using Orchestrator.Api;
using Orchestrator.NodeAgent;

namespace Orchestrator.Tests.NodeAgent;

[TestFixture]
public sealed class PodStatusBuilderTests
{
    private static readonly ContainerState Running = new() { Running = new ContainerStateRunning() };
    private static readonly ContainerState Waiting = new() { Waiting = new ContainerStateWaiting { Reason = "ContainerCreating" } };
    private static ContainerState Exited(int code) => new() { Terminated = new ContainerStateTerminated { ExitCode = code } };

    private static ContainerStatus S(ContainerState state, ContainerState? last = null) => new() { State = state, LastState = last };

    private static readonly object[] PhaseCases =
    [
        new object[] { RestartPolicy.Always, Array.Empty<ContainerStatus>(), new[] { S(Waiting) }, PodPhase.Pending },
        new object[] { RestartPolicy.Always, Array.Empty<ContainerStatus>(), new[] { S(Running) }, PodPhase.Running },
        new object[] { RestartPolicy.Always, Array.Empty<ContainerStatus>(), new[] { S(Running), S(Waiting) }, PodPhase.Pending },
        new object[] { RestartPolicy.Always, Array.Empty<ContainerStatus>(), new[] { S(Exited(0)) }, PodPhase.Running },
        new object[] { RestartPolicy.Always, Array.Empty<ContainerStatus>(), new[] { S(Waiting, Exited(1)) }, PodPhase.Running },
        new object[] { RestartPolicy.Never, Array.Empty<ContainerStatus>(), new[] { S(Exited(0)), S(Exited(0)) }, PodPhase.Succeeded },
        new object[] { RestartPolicy.Never, Array.Empty<ContainerStatus>(), new[] { S(Exited(0)), S(Exited(1)) }, PodPhase.Failed },
        new object[] { RestartPolicy.Never, Array.Empty<ContainerStatus>(), new[] { S(Running), S(Exited(1)) }, PodPhase.Running },
        new object[] { RestartPolicy.OnFailure, Array.Empty<ContainerStatus>(), new[] { S(Exited(0)) }, PodPhase.Succeeded },
        new object[] { RestartPolicy.OnFailure, Array.Empty<ContainerStatus>(), new[] { S(Exited(1)) }, PodPhase.Running },
        new object[] { RestartPolicy.Always, new[] { S(Running) }, new[] { S(Waiting) }, PodPhase.Pending },
        new object[] { RestartPolicy.Always, new[] { S(Exited(0)) }, new[] { S(Running) }, PodPhase.Running },
        new object[] { RestartPolicy.Never, new[] { S(Exited(1)) }, new[] { S(Waiting) }, PodPhase.Failed },
        new object[] { RestartPolicy.Always, new[] { S(Waiting, Exited(1)) }, new[] { S(Waiting) }, PodPhase.Pending },
    ];

    [TestCaseSource(nameof(PhaseCases))]
    public void GetPhase_ContainerStates_FollowsKubernetesRules(string policy, ContainerStatus[] init, ContainerStatus[] app, string expected)
    {
        var spec = new PodSpec { RestartPolicy = policy };

        Assert.That(PodStatusBuilder.GetPhase(spec, init, app), Is.EqualTo(expected));
    }

    [TestCase(null, null, null, null, PodQosClass.BestEffort)]
    [TestCase("100m", "100m", "64Mi", "64Mi", PodQosClass.Guaranteed)]
    [TestCase(null, "100m", null, "64Mi", PodQosClass.Guaranteed)]
    [TestCase("50m", "100m", "64Mi", "64Mi", PodQosClass.Burstable)]
    [TestCase("50m", null, null, null, PodQosClass.Burstable)]
    public void QosClass_Resources_Classified(string? cpuRequest, string? cpuLimit, string? memoryRequest, string? memoryLimit, string expected)
    {
        static Dictionary<string, Quantity> Map(string? cpu, string? memory)
        {
            var map = new Dictionary<string, Quantity>();
            if (cpu is not null) map["cpu"] = Quantity.Parse(cpu);
            if (memory is not null) map["memory"] = Quantity.Parse(memory);
            return map;
        }
        var spec = new PodSpec
        {
            Containers =
            [
                new Container
                {
                    Name = "app",
                    Resources = new ResourceRequirements { Requests = Map(cpuRequest, memoryRequest), Limits = Map(cpuLimit, memoryLimit) },
                },
            ],
        };

        Assert.That(PodStatusBuilder.QosClass(spec), Is.EqualTo(expected));
    }
}
