using Orchestrator.Api;

namespace Orchestrator.Store;

/// <summary>The hooks of the write path that keep <see cref="ServiceAllocations"/> in step with stored Services.</summary>
public sealed partial class InMemoryObjectStore
{
    private readonly ServiceAllocations _serviceAllocations;

    internal ServiceAllocations ServiceAllocations => _serviceAllocations;

    private ServiceAllocations CreateServiceAllocations(InMemoryObjectStoreOptions options)
    {
        var ipRange = ServiceIPRange.Parse(options.ServiceClusterIPRange);
        var portRange = NodePortRange.Parse(options.ServiceNodePortRange);
        return new ServiceAllocations(ipRange, portRange, NextRandom);
    }

    private int NextRandom(int maxExclusive)
    {
        if (_random is null) return Random.Shared.Next(maxExclusive);
        lock (_randomGate) return _random.Next(maxExclusive);
    }

    /// <summary>Create and update: reserves what a Service needs and fills it in; nothing for other kinds.</summary>
    private ServiceHold ReserveServiceAllocations(ref KubernetesObject obj, KubernetesObject? stored)
    {
        if (obj is not Service service) return ServiceHold.None;
        obj = _serviceAllocations.Reserve(service, stored as Service, out var reserved);
        return reserved;
    }

    /// <summary>Update, before validation: keeps allocated values the update omits, drops those a type change retires.</summary>
    private static KubernetesObject PrepareServiceUpdate(KubernetesObject incoming, KubernetesObject stored) =>
        incoming is Service service && stored is Service old ? ServiceAllocations.PrepareForUpdate(service, old) : incoming;

    /// <summary>After a committed write that replaced or removed <paramref name="before"/>.</summary>
    private void ServiceWritten(KubernetesObject before, KubernetesObject after, bool removed)
    {
        if (before is not Service service) return;
        if (removed) _serviceAllocations.Release(_serviceAllocations.HeldBy(service));
        else _serviceAllocations.ReleaseReplaced(service, (Service)after);
    }
}
