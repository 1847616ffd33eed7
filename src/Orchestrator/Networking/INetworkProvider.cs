namespace Orchestrator.Networking;

/// <summary>
/// Gives pod sandboxes their addresses (the role of a CNI plugin). The node agent calls <see cref="AttachAsync"/> after
/// <see cref="Runtime.IContainerRuntime.CreateSandboxAsync"/> and before any container of the pod starts, and
/// <see cref="DetachAsync"/> before <see cref="Runtime.IContainerRuntime.RemoveSandboxAsync"/>. Implementations: an
/// in-process allocator for the simulated runtime (<see cref="InProcessNetworkProvider"/>); Docker networks for the
/// Docker runtime.
/// </summary>
/// <remarks>All members are thread-safe and idempotent.</remarks>
public interface INetworkProvider
{
    /// <summary>
    /// The network name sandboxes are created in (<see cref="Runtime.PodSandboxConfig.Network"/>), or null for the
    /// runtime's default.
    /// </summary>
    string? NetworkName { get; }

    /// <summary>
    /// Ensures the sandbox is attached to the pod network and returns its addresses. Idempotent: calling it again for
    /// the same sandbox (for example after an agent restart) returns the same addresses without allocating new ones.
    /// </summary>
    /// <exception cref="NetworkException">No address is available or the attachment failed; the agent retries with back-off.</exception>
    ValueTask<PodNetworkStatus> AttachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default);

    /// <summary>
    /// Detaches the sandbox and releases its addresses for reuse. Idempotent; a sandbox that is not attached is not an error.
    /// </summary>
    ValueTask DetachAsync(PodNetworkAttachment attachment, CancellationToken cancellationToken = default);
}

/// <summary>Identifies the sandbox to attach or detach.</summary>
/// <param name="SandboxId">The runtime's sandbox id; the key of the attachment.</param>
/// <param name="PodNamespace">The pod namespace.</param>
/// <param name="PodName">The pod name.</param>
/// <param name="PodUid">The pod uid.</param>
/// <param name="NodeName">The node the sandbox runs on.</param>
public sealed record PodNetworkAttachment(string SandboxId, string PodNamespace, string PodName, string PodUid, string NodeName);

/// <summary>The addresses of an attached sandbox.</summary>
/// <param name="Ips">The pod's addresses, primary first; never empty.</param>
public sealed record PodNetworkStatus(IReadOnlyList<string> Ips)
{
    /// <summary>The primary address, reported as <c>status.podIP</c>.</summary>
    public string Ip => Ips[0];
}

/// <summary>A network operation failed.</summary>
public sealed class NetworkException(string message, Exception? inner = null) : Exception(message, inner);
