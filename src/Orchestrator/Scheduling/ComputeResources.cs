using Orchestrator.Api;

namespace Orchestrator.Scheduling;

/// <summary>
/// An amount of each compute resource in the units the scheduler compares (Kubernetes' <c>framework.Resource</c>):
/// CPU in millicores, memory and ephemeral storage in bytes, a pod count, and every other (extended) resource in whole
/// units. Used for a pod's requests, a node's allocatable resources and the sum of requests placed on a node.
/// </summary>
/// <remarks>Read-only to callers; the scheduler updates a node's sums only on its own scheduling thread.</remarks>
public sealed class ComputeResources
{
    private Dictionary<string, long>? _scalars;

    /// <summary>CPU in thousandths of a core.</summary>
    public long MilliCpu { get; private set; }

    /// <summary>Memory in bytes.</summary>
    public long Memory { get; private set; }

    /// <summary>Local ephemeral storage in bytes.</summary>
    public long EphemeralStorage { get; private set; }

    /// <summary>The number of pods (meaningful for a node's allocatable resources: its <c>pods</c> entry).</summary>
    public long Pods { get; private set; }

    /// <summary>Extended resources (for example <c>nvidia.com/gpu</c> or <c>hugepages-2Mi</c>) in whole units.</summary>
    public IReadOnlyDictionary<string, long> Scalars => (IReadOnlyDictionary<string, long>?)_scalars ?? EmptyScalars;

    /// <summary>True when no resource has a non-zero amount.</summary>
    public bool IsZero => MilliCpu == 0 && Memory == 0 && EphemeralStorage == 0 && Pods == 0 && (_scalars is null || AllZero(_scalars));

    private static readonly IReadOnlyDictionary<string, long> EmptyScalars = new Dictionary<string, long>();

    /// <summary>The amount of <paramref name="resourceName"/> in the units above; 0 when absent.</summary>
    public long Get(string resourceName) => resourceName switch
    {
        ResourceName.Cpu => MilliCpu,
        ResourceName.Memory => Memory,
        ResourceName.EphemeralStorage => EphemeralStorage,
        ResourceName.Pods => Pods,
        _ => _scalars is not null && _scalars.TryGetValue(resourceName, out var value) ? value : 0,
    };

    /// <summary>Converts a Kubernetes resource list (for example a node's <c>status.allocatable</c>).</summary>
    public static ComputeResources From(IReadOnlyDictionary<string, Quantity> list)
    {
        var result = new ComputeResources();
        foreach (var (name, quantity) in list) result.Add(name, quantity);
        return result;
    }

    /// <summary>Adds <paramref name="quantity"/> of <paramref name="resourceName"/>.</summary>
    internal void Add(string resourceName, Quantity quantity) =>
        Add(resourceName, resourceName == ResourceName.Cpu ? quantity.MilliValue : quantity.Value);

    /// <summary>Adds an amount already in this type's units.</summary>
    internal void Add(string resourceName, long amount)
    {
        switch (resourceName)
        {
            case ResourceName.Cpu: MilliCpu += amount; break;
            case ResourceName.Memory: Memory += amount; break;
            case ResourceName.EphemeralStorage: EphemeralStorage += amount; break;
            case ResourceName.Pods: Pods += amount; break;
            default:
                _scalars ??= [];
                _scalars[resourceName] = _scalars.GetValueOrDefault(resourceName) + amount;
                break;
        }
    }

    /// <summary>Adds (or with <paramref name="sign"/> -1 subtracts) every amount of <paramref name="other"/>.</summary>
    internal void Add(ComputeResources other, int sign = 1)
    {
        MilliCpu += sign * other.MilliCpu;
        Memory += sign * other.Memory;
        EphemeralStorage += sign * other.EphemeralStorage;
        Pods += sign * other.Pods;
        if (other._scalars is null) return;
        foreach (var (name, amount) in other._scalars) Add(name, sign * amount);
    }

    /// <summary>Raises every amount to at least the one in <paramref name="other"/>.</summary>
    internal void SetMax(ComputeResources other)
    {
        MilliCpu = Math.Max(MilliCpu, other.MilliCpu);
        Memory = Math.Max(Memory, other.Memory);
        EphemeralStorage = Math.Max(EphemeralStorage, other.EphemeralStorage);
        Pods = Math.Max(Pods, other.Pods);
        if (other._scalars is null) return;
        _scalars ??= [];
        foreach (var (name, amount) in other._scalars) _scalars[name] = Math.Max(_scalars.GetValueOrDefault(name), amount);
    }

    /// <summary>A copy that later changes to either do not affect the other.</summary>
    internal ComputeResources Clone()
    {
        var copy = new ComputeResources { MilliCpu = MilliCpu, Memory = Memory, EphemeralStorage = EphemeralStorage, Pods = Pods };
        if (_scalars is not null) copy._scalars = new Dictionary<string, long>(_scalars);
        return copy;
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = $"cpu={MilliCpu}m, memory={Memory}, ephemeral-storage={EphemeralStorage}, pods={Pods}";
        return _scalars is null ? text : text + string.Concat(_scalars.Select(s => $", {s.Key}={s.Value}"));
    }

    private static bool AllZero(Dictionary<string, long> scalars)
    {
        foreach (var value in scalars.Values)
        {
            if (value != 0) return false;
        }
        return true;
    }
}
