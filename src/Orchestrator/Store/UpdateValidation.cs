using Orchestrator.Api;
using Orchestrator.Api.Validation;

namespace Orchestrator.Store;

/// <summary>
/// Validation of updates that looks only at what changed. Validation is a pure function of the object and the stored
/// object passed it, so parts equal to the stored ones need no second look: an update that keeps the desired state has
/// only its changed metadata checked, and for a label or annotation change only the changed pairs (plus the annotation
/// size limit). A changed desired state is also checked against the stored object (<see cref="UpdateRules"/>: fields that
/// may not change, such as the data of an immutable ConfigMap). Errors are always worded by <see cref="ObjectValidator"/>,
/// <see cref="UpdateRules"/> and <see cref="MetadataValidation"/>.
/// </summary>
internal static class UpdateValidation
{
    private static readonly Func<string, string, IReadOnlyDictionary<string, string>, bool> LabelUnchangedOrValid = static (key, value, before) =>
        (before.TryGetValue(key, out var old) && string.Equals(old, value, StringComparison.Ordinal)) ||
        (NameRules.IsQualifiedName(key) is null && NameRules.IsValidLabelValue(value) is null);

    private static readonly Func<string, string, IReadOnlyDictionary<string, string>, bool> AnnotationKeyKnownOrValid = static (key, _, before) =>
        before.ContainsKey(key) || NameRules.IsQualifiedName(key.ToLowerInvariant()) is null;

    /// <exception cref="ValidationException">The updated object is invalid.</exception>
    public static void EnsureValid(KubernetesObject obj, KubernetesObject stored, ResourceKind kind, bool desiredStateUnchanged)
    {
        var meta = obj.Metadata;
        var before = stored.Metadata;
        if (!desiredStateUnchanged) UpdateRules.EnsureValid(obj, stored);
        if (!desiredStateUnchanged || obj.ApiVersion != kind.ApiVersion || obj.Kind != kind.Kind ||
            !ReferenceEquals(meta.OwnerReferences, before.OwnerReferences) || !ReferenceEquals(meta.Finalizers, before.Finalizers) ||
            meta.GenerateName != before.GenerateName)
        {
            ObjectValidator.EnsureValid(obj);
            return;
        }
        var labelsChanged = !ReferenceEquals(meta.Labels, before.Labels);
        var annotationsChanged = !ReferenceEquals(meta.Annotations, before.Annotations);
        if ((!labelsChanged || StringMaps.All(meta.Labels, before.Labels, LabelUnchangedOrValid)) &&
            (!annotationsChanged || AnnotationsValid(meta.Annotations, before.Annotations)))
        {
            return;
        }
        var errors = new ValidationErrors();
        MetadataValidation.ValidateLabels(meta.Labels, "metadata.labels", errors);
        MetadataValidation.ValidateAnnotations(meta.Annotations, "metadata.annotations", errors);
        if (!errors.IsValid) throw new ValidationException(obj.Kind, meta.Name, errors.Errors);
    }

    private static bool AnnotationsValid(IReadOnlyDictionary<string, string> annotations, IReadOnlyDictionary<string, string> before)
    {
        if (!StringMaps.All(annotations, before, AnnotationKeyKnownOrValid)) return false;
        // UTF-8 needs at most 3 bytes per UTF-16 char, so only maps near the limit need exact counting.
        return StringMaps.CharCount(annotations) * 3 <= NameRules.TotalAnnotationSizeLimitBytes || NameRules.IsValidAnnotations(annotations) is null;
    }
}
