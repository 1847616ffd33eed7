using Orchestrator.Api;

namespace Orchestrator.Controllers;

/// <summary>Conveniences over <see cref="IInformer{T}"/>.</summary>
public static class InformerExtensions
{
    /// <summary>
    /// Indexes objects by the value of a field-selector path (see <see cref="KubernetesObject.GetFieldValue"/>), under the
    /// name <see cref="IndexNames.Field"/>: e.g. pods by <c>spec.nodeName</c>, queried with
    /// <c>lister.ByIndex(IndexNames.Field("spec.nodeName"), "node-1")</c>. An unset field is indexed as the empty string.
    /// </summary>
    /// <returns>The index name.</returns>
    public static string AddFieldIndexer<T>(this IInformer<T> informer, string fieldPath) where T : KubernetesObject
    {
        var name = IndexNames.Field(fieldPath);
        informer.AddIndexer(name, obj => obj.GetFieldValue(fieldPath) is { } value ? [value] : []);
        return name;
    }
}
