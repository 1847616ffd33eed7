namespace Orchestrator.Controllers;

/// <summary>Names of the indexes every informer cache has, and the naming scheme of field indexes.</summary>
public static class IndexNames
{
    /// <summary>Objects by <c>metadata.namespace</c> (the empty string for cluster-scoped objects).</summary>
    public const string Namespace = "namespace";

    /// <summary>Objects by each of their labels, as <c>key=value</c>: <c>ByIndex(IndexNames.Label, "app=web")</c>.</summary>
    public const string Label = "label";

    /// <summary>Objects by the uid of each of their owner references, to find the dependents of an owner.</summary>
    public const string OwnerUid = "ownerUid";

    /// <summary>
    /// The name of the index that <see cref="InformerExtensions.AddFieldIndexer{T}"/> creates for a field-selector path,
    /// e.g. <c>Field("spec.nodeName")</c>.
    /// </summary>
    public static string Field(string fieldPath) => "field:" + fieldPath;
}
