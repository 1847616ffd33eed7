namespace Orchestrator.Manifests;

/// <summary>What to do with fields a kind does not have (kubectl's <c>--validate</c>).</summary>
public enum UnknownFieldHandling
{
    /// <summary>An unknown field, such as a typo like <c>replcias</c>, is an error (the default, like <c>--validate=strict</c>).</summary>
    Strict,

    /// <summary>An unknown field is reported as a warning and dropped (<c>--validate=warn</c>).</summary>
    Warn,

    /// <summary>Unknown fields are silently dropped (<c>--validate=ignore</c>).</summary>
    Ignore,
}

/// <summary>Options for reading manifests.</summary>
public sealed record ManifestOptions
{
    /// <summary>How unknown fields are treated; <see cref="UnknownFieldHandling.Strict"/> by default.</summary>
    public UnknownFieldHandling UnknownFields { get; init; } = UnknownFieldHandling.Strict;

    /// <summary>The namespace given to namespaced objects that name none; <c>default</c> unless set.</summary>
    public string DefaultNamespace { get; init; } = "default";
}

/// <summary>One object read from a manifest, with where it came from.</summary>
/// <param name="Object">The object, exactly as written (no defaults applied).</param>
/// <param name="Source">The file name or string description.</param>
/// <param name="Document">The 1-based document index.</param>
/// <param name="Line">The line of the document's first node.</param>
/// <param name="Warnings">Warnings such as dropped unknown fields (with <see cref="UnknownFieldHandling.Warn"/>).</param>
public sealed record ManifestDocument(Api.KubernetesObject Object, string Source, int Document, int Line, IReadOnlyList<ManifestError> Warnings);
