namespace Orchestrator.Api.Validation;

/// <summary>
/// Validates API objects the way the Kubernetes API server does before it stores them:
/// metadata rules for every kind, then the rules of the object's kind.
/// </summary>
public static class ObjectValidator
{
    private static readonly Dictionary<Type, Action<KubernetesObject, ValidationErrors>> KindValidators = CreateKindValidators();

    /// <summary>Returns every problem with <paramref name="obj"/>; an empty list means it is valid.</summary>
    public static IReadOnlyList<FieldError> Validate(KubernetesObject obj)
    {
        var errors = new ValidationErrors();
        var kind = ApiResources.Find(obj.ApiVersion, obj.Kind);
        if (kind is null || kind.ClrType != obj.GetType())
        {
            errors.Add("apiVersion", $"\"{obj.ApiVersion}\" kind \"{obj.Kind}\" is not supported; supported: {ApiResources.Supported}");
            return errors.Errors;
        }

        MetadataValidation.Validate(obj.Metadata, kind, errors);
        if (KindValidators.TryGetValue(obj.GetType(), out var validate)) validate(obj, errors);
        return errors.Errors;
    }

    /// <summary>Throws <see cref="ValidationException"/> when <paramref name="obj"/> is invalid.</summary>
    public static void EnsureValid(KubernetesObject obj)
    {
        var errors = Validate(obj);
        if (errors.Count > 0) throw new ValidationException(obj.Kind, obj.Metadata.Name ?? obj.Metadata.GenerateName, errors);
    }

    private static Dictionary<Type, Action<KubernetesObject, ValidationErrors>> CreateKindValidators()
    {
        var validators = new Dictionary<Type, Action<KubernetesObject, ValidationErrors>>();
        CoreValidation.Register(validators);
        WorkloadValidation.Register(validators);
        return validators;
    }
}
