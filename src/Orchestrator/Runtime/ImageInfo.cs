namespace Orchestrator.Runtime;

/// <summary>An image present on a runtime.</summary>
/// <param name="Id">The image id (content digest), reported as a container's <c>imageID</c>.</param>
/// <param name="Names">The normalised references that name it, for example <c>nginx:1.27</c>.</param>
/// <param name="SizeBytes">Its size on disk.</param>
public sealed record ImageInfo(string Id, IReadOnlyList<string> Names, long SizeBytes);

/// <summary>A request to pull an image (<see cref="IContainerRuntime.PullImageAsync"/>).</summary>
public sealed record ImagePullRequest
{
    /// <summary>The image reference as written in the pod spec.</summary>
    public required string Image { get; init; }

    /// <summary>Registry credentials from the pod's <c>imagePullSecrets</c>, tried in order; empty for anonymous pulls.</summary>
    public IReadOnlyList<RegistryCredential> Credentials { get; init; } = [];

    /// <summary>The sandbox of the pod that needs the image, for runtimes that use its labels or annotations.</summary>
    public PodSandboxConfig? Sandbox { get; init; }

    /// <inheritdoc/>
    /// <remarks>Never prints credentials.</remarks>
    public override string ToString() => $"pull {Image}";
}

/// <summary>Credentials for one registry (from a <c>kubernetes.io/dockerconfigjson</c> Secret).</summary>
/// <param name="Registry">The registry host, for example <c>ghcr.io</c>.</param>
/// <param name="Username">The user name.</param>
/// <param name="Password">The password or token; never logged.</param>
public sealed record RegistryCredential(string Registry, string Username, string Password)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Username}@{Registry}";
}
