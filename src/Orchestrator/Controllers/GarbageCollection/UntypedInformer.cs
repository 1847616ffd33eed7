using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>
/// A kind-independent view of the shared informer of one kind, for components that handle every kind of
/// <see cref="ApiResources"/> alike (the garbage collector). Reads and handlers behave exactly as those of the
/// <see cref="IInformer{T}"/> it wraps.
/// </summary>
internal abstract class UntypedInformer
{
    /// <summary>The kind this informer lists and watches.</summary>
    public abstract ResourceKind Kind { get; }

    /// <summary>The wrapped informer, to wait for its sync.</summary>
    public abstract IInformer Informer { get; }

    /// <summary>The cached object, or null; see <see cref="ILister{T}.Get(string?, string)"/>.</summary>
    public abstract KubernetesObject? Get(string? @namespace, string name);

    /// <summary>The cached objects under an index value; see <see cref="ILister{T}.ByIndex"/>.</summary>
    public abstract IReadOnlyList<KubernetesObject> ByIndex(string indexName, string indexedValue);

    /// <summary>Registers handlers; see <see cref="IInformer{T}.AddEventHandler"/>.</summary>
    public abstract IDisposable AddEventHandler(
        Action<KubernetesObject> onAdd, Action<KubernetesObject, KubernetesObject> onUpdate, Action<KubernetesObject> onDelete);

    /// <summary>The shared informer of <paramref name="kind"/> from <paramref name="factory"/>, started if it was not.</summary>
    public static UntypedInformer For(SharedInformerFactory factory, ResourceKind kind)
    {
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(kind);
        // One closed generic type per registered kind; the kinds are the fixed set of ApiResources.
        return (UntypedInformer)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(kind.ClrType), factory)!;
    }

    private sealed class Typed<T> : UntypedInformer where T : KubernetesObject
    {
        private readonly IInformer<T> _informer;

        public Typed(SharedInformerFactory factory) => _informer = factory.GetInformer<T>();

        public override ResourceKind Kind => _informer.Kind;

        public override IInformer Informer => _informer;

        public override KubernetesObject? Get(string? @namespace, string name) => _informer.Lister.Get(@namespace, name);

        public override IReadOnlyList<KubernetesObject> ByIndex(string indexName, string indexedValue) =>
            _informer.Lister.ByIndex(indexName, indexedValue);

        public override IDisposable AddEventHandler(
            Action<KubernetesObject> onAdd, Action<KubernetesObject, KubernetesObject> onUpdate, Action<KubernetesObject> onDelete) =>
            _informer.AddEventHandler(o => onAdd(o), (old, current) => onUpdate(old, current), o => onDelete(o));
    }
}
