namespace Orchestrator.Manifests;

/// <summary>One problem in a manifest, located by source, document, line and column.</summary>
/// <param name="Source">The file name or a description of the string the manifest came from.</param>
/// <param name="Document">The 1-based index of the YAML document within the source.</param>
/// <param name="Line">The 1-based line, or 0 when unknown.</param>
/// <param name="Column">The 1-based column, or 0 when unknown.</param>
/// <param name="Field">The field path, for example <c>spec.replicas</c>, when the problem is in one field.</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Object">The kind and name of the object, for example <c>Deployment "web"</c>, when known.</param>
public sealed record ManifestError(string Source, int Document, int Line, int Column, string? Field, string Message, string? Object = null)
{
    /// <inheritdoc/>
    public override string ToString()
    {
        var where = Line > 0 ? $"{Source}: document {Document}, line {Line}, column {Column}" : $"{Source}: document {Document}";
        var what = Object is null ? "" : $" ({Object})";
        var field = Field is null ? "" : $"{Field}: ";
        return $"{where}{what}: {field}{Message}";
    }
}

/// <summary>
/// A manifest could not be read or applied. <see cref="Errors"/> lists every problem found; when thrown before any write
/// (the usual case), nothing was applied.
/// </summary>
public sealed class ManifestException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public ManifestException(IReadOnlyList<ManifestError> errors, Exception? inner = null)
        : base(FormatMessage(errors), inner) => Errors = errors;

    /// <summary>Every problem found, in source order.</summary>
    public IReadOnlyList<ManifestError> Errors { get; }

    private static string FormatMessage(IReadOnlyList<ManifestError> errors) => errors.Count == 1
        ? errors[0].ToString()
        : $"{errors.Count} problems in manifest:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", errors);
}
