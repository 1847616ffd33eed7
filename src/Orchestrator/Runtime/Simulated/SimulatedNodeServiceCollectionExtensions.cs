using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using Orchestrator.NodeAgent;

namespace Orchestrator.Runtime.Simulated;

/// <summary>Registers simulated nodes.</summary>
public static class SimulatedNodeServiceCollectionExtensions
{
    /// <summary>
    /// Registers <paramref name="count"/> simulated nodes run by the node agent host (see <see cref="SimulatedNodes.Create"/>
    /// for names and defaults), using the registered <see cref="TimeProvider"/> and network provider. The
    /// <see cref="SimulatedNodes"/> is registered as a singleton, to reach each node's runtime; call again with another
    /// <see cref="SimulatedNodeOptions.NamePrefix"/> for a second pool (then resolve them all with <c>GetServices</c>).
    /// </summary>
    /// <example>
    /// <code>
    /// services.AddSimulatedNodes(100, o => { o.Cpu = Quantity.Parse("8"); o.Zones.AddRange(["a", "b", "c"]); });
    /// </code>
    /// </example>
    public static IServiceCollection AddSimulatedNodes(this IServiceCollection services, int count, Action<SimulatedNodeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var options = new SimulatedNodeOptions();
        configure?.Invoke(options);
        var perProvider = new ConditionalWeakTable<IServiceProvider, SimulatedNodes>();
        SimulatedNodes Resolve(IServiceProvider sp) =>
            perProvider.GetValue(sp, p => SimulatedNodes.Create(count, options, p.GetService<TimeProvider>()));
        services.AddSingleton(Resolve);
        services.AddNodeAgent(sp => Resolve(sp).Registrations);
        return services;
    }
}
