using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orchestrator.Api;
using Orchestrator.Api.Defaulting;
using Orchestrator.Api.Errors;
using Orchestrator.Store;

namespace Orchestrator.Manifests;

/// <summary>What applying one object did.</summary>
public enum ApplyAction
{
    /// <summary>The object did not exist and was created.</summary>
    Created,

    /// <summary>The object existed and was changed.</summary>
    Configured,

    /// <summary>The object existed and already matched the manifest.</summary>
    Unchanged,
}

/// <summary>The outcome of applying one object.</summary>
/// <param name="Object">The object as stored after the apply.</param>
/// <param name="Action">What was done.</param>
public sealed record ApplyResult(KubernetesObject Object, ApplyAction Action)
{
    /// <summary>kubectl's one-line summary, for example <c>deployment.apps/web created</c>.</summary>
    public override string ToString()
    {
        var kind = ApiResources.For(Object.GetType());
        var group = kind.Group.Length == 0 ? "" : "." + kind.Group;
        return $"{kind.Singular}{group}/{Object.Metadata.Name} {Action.ToString().ToLowerInvariant()}";
    }
}

/// <summary>
/// Applies manifests to a store as <c>kubectl apply</c> does: each object is created, or updated with a three-way merge
/// against the last applied configuration (recorded in the <c>kubectl.kubernetes.io/last-applied-configuration</c>
/// annotation), so fields set by controllers, such as a Service's clusterIP, are kept.
/// </summary>
/// <remarks>
/// All documents are read and validated before the first write; if a write still fails (for example a conflict with a
/// concurrent writer), the writes already made are undone, so a manifest is applied entirely or not at all.
/// </remarks>
public sealed class ManifestApplier
{
    /// <summary>The annotation kubectl keeps the last applied manifest in.</summary>
    public const string LastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration";

    private readonly IObjectStore _store;
    private readonly ILogger _logger;

    /// <summary>Creates an applier that writes to <paramref name="store"/>.</summary>
    public ManifestApplier(IObjectStore store, ILogger<ManifestApplier>? logger = null)
    {
        _store = store;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Reads and applies every object in <paramref name="text"/>.</summary>
    /// <exception cref="ManifestException">A document is invalid or a write failed; nothing was applied.</exception>
    public Task<IReadOnlyList<ApplyResult>> ApplyAsync(string text, string source = "<string>", ManifestOptions? options = null, CancellationToken cancellationToken = default) =>
        ApplyAsync(ManifestReader.Parse(text, source, options), cancellationToken);

    /// <summary>Reads and applies every object in the file at <paramref name="path"/>.</summary>
    /// <exception cref="ManifestException">A document is invalid or a write failed; nothing was applied.</exception>
    public async Task<IReadOnlyList<ApplyResult>> ApplyFileAsync(string path, ManifestOptions? options = null, CancellationToken cancellationToken = default) =>
        await ApplyAsync(await ManifestReader.ParseFileAsync(path, options, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);

    /// <summary>Applies objects already read; namespaces are applied first, then the rest in document order.</summary>
    /// <exception cref="ManifestException">A namespace is missing or a write failed; nothing was applied.</exception>
    public async Task<IReadOnlyList<ApplyResult>> ApplyAsync(IReadOnlyList<ManifestDocument> documents, CancellationToken cancellationToken = default)
    {
        var ordered = documents.OrderBy(d => d.Object is Namespace ? 0 : 1).ToList();
        await CheckNamespacesAsync(ordered, cancellationToken).ConfigureAwait(false);

        var results = new List<ApplyResult>();
        var undo = new Stack<Func<Task>>();
        foreach (var document in ordered)
        {
            try
            {
                results.Add(await ApplyOneAsync(document.Object, undo, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is ApiException or OperationCanceledException)
            {
                await UndoAsync(undo).ConfigureAwait(false);
                var obj = document.Object;
                throw new ManifestException(
                    [new ManifestError(document.Source, document.Document, document.Line, 1, null, $"{e.Message}; no object of this manifest was applied", $"{obj.Kind} \"{obj.Metadata.Name}\"")], e);
            }
        }
        return results;
    }

    private async Task CheckNamespacesAsync(List<ManifestDocument> documents, CancellationToken cancellationToken)
    {
        var created = documents.Where(d => d.Object is Namespace).Select(d => d.Object.Metadata.Name).ToHashSet();
        var errors = new List<ManifestError>();
        var namespaceKind = ApiResources.For<Namespace>();
        foreach (var document in documents)
        {
            var ns = document.Object.Metadata.Namespace;
            if (string.IsNullOrEmpty(ns) || created.Contains(ns)) continue;
            if (await _store.GetAsync(namespaceKind, null, ns, cancellationToken).ConfigureAwait(false) is null)
            {
                errors.Add(new ManifestError(document.Source, document.Document, document.Line, 1, "metadata.namespace",
                    $"namespace \"{ns}\" not found", $"{document.Object.Kind} \"{document.Object.Metadata.Name}\""));
            }
        }
        if (errors.Count > 0) throw new ManifestException(errors);
    }

    private async Task<ApplyResult> ApplyOneAsync(KubernetesObject desired, Stack<Func<Task>> undo, CancellationToken cancellationToken)
    {
        var kind = ApiResources.For(desired.GetType());
        var manifestJson = JsonSerializer.SerializeToNode(desired, desired.GetType(), KubernetesJson.Options)!.AsObject();
        StripAnnotation(manifestJson);
        var lastApplied = manifestJson.ToJsonString();

        var name = desired.Metadata.Name;
        var existing = string.IsNullOrEmpty(name) ? null
            : await _store.GetAsync(kind, desired.Metadata.Namespace, name, cancellationToken).ConfigureAwait(false);

        if (existing is null)
        {
            var toCreate = desired with { Metadata = WithAnnotation(desired.Metadata, lastApplied) };
            var created = await _store.CreateAsync(toCreate, cancellationToken).ConfigureAwait(false);
            undo.Push(() => _store.DeleteAsync(kind, created.Metadata.Namespace, created.Metadata.Name!,
                new DeleteOptions { GracePeriodSeconds = 0, PreconditionUid = created.Metadata.Uid }).AsTask());
            return new ApplyResult(created, ApplyAction.Created);
        }

        // Compare in the form the store keeps: with the API server's defaults filled in.
        var merged = ObjectDefaulter.ApplyDefaults(ThreeWayMerge(existing, manifestJson, lastApplied, kind));
        if (existing.DesiredStateEquals(merged) && SameMetadata(existing.Metadata, merged.Metadata))
            return new ApplyResult(existing, ApplyAction.Unchanged);

        var updated = await _store.UpdateAsync(merged, cancellationToken).ConfigureAwait(false);
        undo.Push(async () =>
        {
            var current = await _store.GetAsync(kind, existing.Metadata.Namespace, existing.Metadata.Name!).ConfigureAwait(false);
            if (current is not null)
            {
                await _store.UpdateAsync(existing with { Metadata = existing.Metadata with { ResourceVersion = current.Metadata.ResourceVersion } }).ConfigureAwait(false);
            }
        });
        return new ApplyResult(updated, ApplyAction.Configured);
    }

    // live + (manifest - fields removed since the last apply); objects merge, lists and scalars are replaced.
    private static KubernetesObject ThreeWayMerge(KubernetesObject live, JsonObject manifest, string lastApplied, ResourceKind kind)
    {
        var liveJson = JsonSerializer.SerializeToNode(live, live.GetType(), KubernetesJson.Options)!.AsObject();
        liveJson.Remove("status");
        var previous = live.Metadata.Annotations.TryGetValue(LastAppliedAnnotation, out var text) ? JsonNode.Parse(text) as JsonObject : null;
        Merge(liveJson, manifest, previous);
        var merged = (KubernetesObject)liveJson.Deserialize(kind.ClrType, KubernetesJson.Options)!;
        return merged with { Metadata = WithAnnotation(merged.Metadata, lastApplied) };
    }

    private static void Merge(JsonObject target, JsonObject patch, JsonObject? previous)
    {
        if (previous is not null)
        {
            foreach (var (key, _) in previous)
            {
                if (!patch.ContainsKey(key)) target.Remove(key);
            }
        }
        foreach (var (key, value) in patch)
        {
            if (value is JsonObject patchChild && target[key] is JsonObject targetChild)
                Merge(targetChild, patchChild, previous?[key] as JsonObject);
            else
                target[key] = value?.DeepClone();
        }
    }

    private static void StripAnnotation(JsonObject manifest)
    {
        if (manifest["metadata"]?["annotations"] is JsonObject annotations)
        {
            annotations.Remove(LastAppliedAnnotation);
            if (annotations.Count == 0) manifest["metadata"]!.AsObject().Remove("annotations");
        }
    }

    private static ObjectMeta WithAnnotation(ObjectMeta metadata, string lastApplied)
    {
        var annotations = metadata.Annotations.ToImmutableDictionary().SetItem(LastAppliedAnnotation, lastApplied);
        return metadata with { Annotations = annotations };
    }

    private static bool SameMetadata(ObjectMeta a, ObjectMeta b) =>
        KubernetesJson.ContentEquals(a with { ResourceVersion = null }, b with { ResourceVersion = null });

    private async Task UndoAsync(Stack<Func<Task>> undo)
    {
        while (undo.TryPop(out var step))
        {
            try
            {
                await step().ConfigureAwait(false);
            }
            catch (ApiException e)
            {
                _logger.LogWarning(e, "Could not undo a write of a manifest that failed to apply");
            }
        }
    }
}
