using Orchestrator.Api.Errors;

namespace Orchestrator.Api.Validation;

/// <summary>One problem with one field of an object, in the shape of Kubernetes' <c>field.Error</c>.</summary>
/// <param name="Field">The field path, for example <c>spec.containers[0].image</c>.</param>
/// <param name="Reason">Why the value is not acceptable, for example <c>Required value</c>.</param>
public sealed record FieldError(string Field, string Reason)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Field}: {Reason}";
}

/// <summary>Collects field errors while validating an object.</summary>
public sealed class ValidationErrors
{
    private readonly List<FieldError> _errors = [];

    /// <summary>The errors found so far, in the order they were found.</summary>
    public IReadOnlyList<FieldError> Errors => _errors;

    /// <summary>True when no error has been added.</summary>
    public bool IsValid => _errors.Count == 0;

    /// <summary>Records that <paramref name="field"/> is invalid because of <paramref name="reason"/>.</summary>
    public void Add(string field, string reason) => _errors.Add(new FieldError(field, reason));

    /// <summary>Records that a required field is missing.</summary>
    public void Required(string field) => Add(field, "Required value");

    /// <summary>Records that a field value is not one of the supported values.</summary>
    public void NotSupported(string field, string? value, IEnumerable<string> supported) =>
        Add(field, $"Unsupported value: \"{value}\": supported values: {string.Join(", ", supported.Select(s => $"\"{s}\""))}");
}

/// <summary>
/// Thrown when an object fails validation; the store is left unchanged.
/// The message names the kind, the object and every invalid field, as Kubernetes' 422 Invalid does.
/// </summary>
public sealed class ValidationException : ApiException
{
    /// <summary>Creates the exception for <paramref name="kind"/> <paramref name="name"/> with its field errors.</summary>
    public ValidationException(string kind, string? name, IReadOnlyList<FieldError> errors)
        : base($"{kind} \"{name}\" is invalid: {string.Join("; ", errors)}")
    {
        Kind = kind;
        Name = name;
        Errors = errors;
    }

    /// <inheritdoc/>
    public override int Code => 422;

    /// <inheritdoc/>
    public override string Reason => "Invalid";

    /// <summary>The kind of the rejected object.</summary>
    public string Kind { get; }

    /// <summary>The name of the rejected object, if it had one.</summary>
    public string? Name { get; }

    /// <summary>Every field that was rejected, with its reason.</summary>
    public IReadOnlyList<FieldError> Errors { get; }
}
