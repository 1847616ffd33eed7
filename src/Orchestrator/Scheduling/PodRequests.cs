using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// Computes what a pod requests, by Kubernetes' rules (<c>resourcehelper.PodRequests</c>): the sum of the application
/// containers, the restartable (sidecar) init containers added to it, then the maximum with each regular init container
/// (plus the sidecars started before it), plus the pod overhead.
/// </summary>
internal static class PodRequests
{
    /// <summary>The CPU counted for a container without a CPU request when scoring (Kubernetes' <c>DefaultMilliCPURequest</c>).</summary>
    public const long DefaultMilliCpuRequest = 100;

    /// <summary>The memory counted for a container without a memory request when scoring (Kubernetes' <c>DefaultMemoryRequest</c>, 200Mi).</summary>
    public const long DefaultMemoryRequest = 200L * 1024 * 1024;

    /// <summary>
    /// The pod's requests. A resource with a limit but no request counts its limit, as the API server's defaulting does.
    /// With <paramref name="nonZeroDefaults"/>, a container that requests no CPU or memory counts 100m CPU and 200Mi
    /// memory, the values Kubernetes' scoring uses so that such pods are not stacked on one node.
    /// </summary>
    public static ComputeResources Compute(PodSpec spec, bool nonZeroDefaults = false)
    {
        var requests = new ComputeResources();
        foreach (var container in spec.Containers) AddContainer(requests, container, nonZeroDefaults);

        if (spec.InitContainers.Count > 0)
        {
            var sidecars = new ComputeResources();
            var initMax = new ComputeResources();
            foreach (var container in spec.InitContainers)
            {
                var own = new ComputeResources();
                AddContainer(own, container, nonZeroDefaults);
                if (container.RestartPolicy == Api.RestartPolicy.Always)
                {
                    sidecars.Add(own);
                    initMax.SetMax(sidecars);
                }
                else
                {
                    own.Add(sidecars);
                    initMax.SetMax(own);
                }
            }
            requests.Add(sidecars);
            requests.SetMax(initMax);
        }

        foreach (var (name, quantity) in spec.Overhead) requests.Add(name, quantity);
        return requests;
    }

    private static void AddContainer(ComputeResources target, Container container, bool nonZeroDefaults)
    {
        var resources = container.Resources;
        var hasCpu = false;
        var hasMemory = false;
        if (resources is not null)
        {
            foreach (var (name, quantity) in resources.Requests)
            {
                target.Add(name, quantity);
                hasCpu |= name == ResourceName.Cpu;
                hasMemory |= name == ResourceName.Memory;
            }
            foreach (var (name, quantity) in resources.Limits)
            {
                if (resources.Requests.ContainsKey(name)) continue;
                target.Add(name, quantity);
                hasCpu |= name == ResourceName.Cpu;
                hasMemory |= name == ResourceName.Memory;
            }
        }
        if (!nonZeroDefaults) return;
        if (!hasCpu) target.Add(ResourceName.Cpu, DefaultMilliCpuRequest);
        if (!hasMemory) target.Add(ResourceName.Memory, DefaultMemoryRequest);
    }
}
