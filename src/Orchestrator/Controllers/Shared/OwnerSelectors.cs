using Orchestrator.Api;
using Orchestrator.Api.Selectors;

namespace Orchestrator.Controllers;

/// <summary>The selector of a workload, as its reconciler needs it.</summary>
internal static class OwnerSelectors
{
    /// <summary>
    /// <paramref name="selector"/> of <paramref name="owner"/> parsed; an invalid one is a <see cref="TerminalException"/>
    /// (retrying cannot fix it; the next change of the object queues it again).
    /// </summary>
    public static Selector Parse(KubernetesObject owner, LabelSelector? selector)
    {
        try
        {
            return Selector.FromLabelSelector(selector);
        }
        catch (ArgumentException e)
        {
            throw new TerminalException($"{owner.Kind} {ObjectKey.Of(owner)} has an invalid selector: {e.Message}", e);
        }
    }
}
