using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>Builds the Node object an agent registers and the status it heartbeats.</summary>
internal static class NodeObjectFactory
{
    public static Dictionary<string, string> Labels(NodeRegistration registration, RuntimeInfo info)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [WellKnownLabels.Hostname] = registration.Name,
            [WellKnownLabels.Os] = info.OperatingSystem,
            [WellKnownLabels.Arch] = info.Architecture,
        };
        foreach (var (key, value) in registration.Labels) labels[key] = value;
        return labels;
    }

    public static Node Create(NodeRegistration registration, RuntimeInfo info) => new()
    {
        Metadata = new ObjectMeta { Name = registration.Name, Labels = Labels(registration, info) },
        Spec = new NodeSpec { Taints = registration.Taints, ProviderID = $"orchestrator://{registration.Name}" },
    };

    public static NodeStatus Status(
        NodeRegistration registration, RuntimeInfo info, IReadOnlyList<ImageInfo> images, DateTimeOffset since, DateTimeOffset now,
        string bootId, NodeAgentOptions options)
    {
        var capacity = registration.Capacity ?? info.Capacity;
        NodeCondition Condition(string type, string status, string reason, string message) => new()
        {
            Type = type,
            Status = status,
            Reason = reason,
            Message = message,
            LastHeartbeatTime = now,
            LastTransitionTime = since,
        };
        return new NodeStatus
        {
            Capacity = capacity,
            Allocatable = registration.Allocatable ?? capacity,
            Conditions =
            [
                Condition(NodeConditionType.MemoryPressure, ConditionStatus.False, "KubeletHasSufficientMemory", "kubelet has sufficient memory available"),
                Condition(NodeConditionType.DiskPressure, ConditionStatus.False, "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
                Condition(NodeConditionType.PidPressure, ConditionStatus.False, "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
                Condition(NodeConditionType.Ready, ConditionStatus.True, "KubeletReady", "kubelet is posting ready status"),
            ],
            Addresses =
            [
                new NodeAddress { Type = NodeAddressType.InternalIP, Address = registration.InternalIP },
                new NodeAddress { Type = NodeAddressType.Hostname, Address = registration.Name },
            ],
            DaemonEndpoints = new NodeDaemonEndpoints { KubeletEndpoint = new DaemonEndpoint { Port = 10250 } },
            NodeInfo = new NodeSystemInfo
            {
                MachineID = registration.Name,
                SystemUUID = registration.Name,
                BootID = bootId,
                KernelVersion = info.KernelVersion,
                OsImage = info.OsImage,
                ContainerRuntimeVersion = $"{info.Name}://{info.Version}",
                KubeletVersion = options.AgentVersion,
                KubeProxyVersion = options.AgentVersion,
                OperatingSystem = info.OperatingSystem,
                Architecture = info.Architecture,
            },
            Images = [.. images.OrderByDescending(i => i.SizeBytes).Take(options.MaxImagesInNodeStatus)
                .Select(i => new ContainerImage { Names = [.. i.Names, i.Id], SizeBytes = i.SizeBytes })],
        };
    }
}
