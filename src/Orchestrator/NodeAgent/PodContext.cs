using Orchestrator.Api;

namespace Orchestrator.NodeAgent;

/// <summary>What configuration resolution knows about a pod besides its spec: where it runs and its addresses.</summary>
/// <param name="Pod">The pod.</param>
/// <param name="NodeName">The node it runs on.</param>
/// <param name="HostIP">The node's address.</param>
/// <param name="PodIPs">The pod's addresses, primary first; empty before the sandbox exists.</param>
/// <param name="NodeAllocatable">The node's allocatable resources, used for <c>resourceFieldRef</c> limits that are not set.</param>
internal sealed record PodContext(
    Pod Pod, string NodeName, string HostIP, IReadOnlyList<string> PodIPs, IReadOnlyDictionary<string, Quantity> NodeAllocatable)
{
    public string Namespace => Pod.Metadata.Namespace ?? "";

    public string PodIP => PodIPs.Count > 0 ? PodIPs[0] : "";
}
