namespace Orchestrator.Api.Validation;

/// <summary>Validation rules of the core/v1 kinds.</summary>
internal static class CoreValidation
{
    /// <summary>Adds the validator of every core/v1 kind to <paramref name="map"/>.</summary>
    public static void Register(Dictionary<Type, Action<KubernetesObject, ValidationErrors>> map)
    {
    }

    /// <summary>Validates a pod spec whose fields are under <paramref name="path"/> (for example <c>spec.template.spec</c>).</summary>
    public static void ValidatePodSpec(PodSpec spec, string path, ValidationErrors errors)
    {
    }

    /// <summary>Validates a pod template under <paramref name="path"/> (for example <c>spec.template</c>).</summary>
    public static void ValidatePodTemplate(PodTemplateSpec? template, string path, ValidationErrors errors)
    {
    }
}
