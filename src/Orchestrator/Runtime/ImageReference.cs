namespace Orchestrator.Runtime;

/// <summary>Helpers for image references, shared by runtimes and the agent.</summary>
public static class ImageReference
{
    /// <summary>
    /// The reference with an explicit tag: <c>nginx</c> becomes <c>nginx:latest</c>; references with a tag or a digest
    /// (<c>@sha256:…</c>) are returned unchanged. A port in the registry host (<c>localhost:5000/app</c>) is not a tag.
    /// </summary>
    public static string Normalize(string image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Contains('@')) return image;
        var lastSlash = image.LastIndexOf('/');
        return image.IndexOf(':', lastSlash + 1) >= 0 ? image : image + ":latest";
    }

    /// <summary>The tag of a reference (<c>latest</c> when none), or null for a digest reference.</summary>
    public static string? GetTag(string image)
    {
        if (image.Contains('@')) return null;
        var normalized = Normalize(image);
        return normalized[(normalized.LastIndexOf(':') + 1)..];
    }
}
