using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>One informer a controller watches and how its changes map to keys of the controller's kind.</summary>
internal abstract class ControllerWatch
{
    public static ControllerWatch Of<T>(Func<IServiceProvider, Func<T, IEnumerable<ObjectKey>>> mapFactory)
        where T : KubernetesObject => new Typed<T>(mapFactory);

    public abstract IInformer GetInformer(SharedInformerFactory informers);

    /// <summary>Registers handlers that pass every mapped key to <paramref name="enqueue"/>; dispose to unregister.</summary>
    public abstract IDisposable Register(SharedInformerFactory informers, IServiceProvider services, Action<ObjectKey> enqueue);

    private sealed class Typed<T>(Func<IServiceProvider, Func<T, IEnumerable<ObjectKey>>> mapFactory) : ControllerWatch
        where T : KubernetesObject
    {
        public override IInformer GetInformer(SharedInformerFactory informers) => informers.GetInformer<T>();

        public override IDisposable Register(SharedInformerFactory informers, IServiceProvider services, Action<ObjectKey> enqueue)
        {
            var map = mapFactory(services);
            void Enqueue(T obj)
            {
                foreach (var key in map(obj)) enqueue(key);
            }
            return informers.GetInformer<T>().AddEventHandler(
                onAdd: Enqueue,
                onUpdate: (old, current) =>
                {
                    // Both states: a changed owner reference or label must wake the old owner as well as the new one.
                    if (!ReferenceEquals(old, current)) Enqueue(old);
                    Enqueue(current);
                },
                onDelete: Enqueue);
        }
    }
}
