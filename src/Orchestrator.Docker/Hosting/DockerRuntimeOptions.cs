using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Hosting;

/// <summary>
/// How Orchestrator runs pods on Docker: which engines (one node each), who owns what they run, the sandbox image, and
/// where pod volumes live. Mutable, for <c>AddDockerRuntime(o =&gt; …)</c>.
/// </summary>
/// <example>
/// <code>
/// services.AddDockerRuntime(o =>
/// {
///     o.ClusterId = "shop-dev";
///     o.Hosts.Add(new DockerHostOptions { Name = "local" });
///     o.Hosts.Add(new DockerHostOptions { Name = "builder", Endpoint = new() { Host = "tcp://10.0.0.7:2376", TlsCertificatePath = "/etc/docker/client" } });
/// });
/// </code>
/// </example>
public sealed class DockerRuntimeOptions
{
    /// <summary>
    /// Identifies this cluster on the engines: every container and network it creates is labelled with it, only what
    /// carries it is listed, adopted or cleaned up, and a later run with the same id adopts (or removes) what an earlier
    /// run left. Give each cluster sharing an engine its own id. Letters, digits, <c>.</c>, <c>_</c> and <c>-</c>;
    /// <c>default</c> unless set.
    /// </summary>
    public string ClusterId { get; set; } = "default";

    /// <summary>
    /// The engines, one node each. Empty means one node on the engine the <c>docker</c> CLI would use
    /// (<c>DOCKER_HOST</c>, the current context, the default socket).
    /// </summary>
    public List<DockerHostOptions> Hosts { get; } = [];

    /// <summary>
    /// The image of the sandbox container that holds each pod's namespaces; it should do nothing but wait for SIGTERM.
    /// <c>registry.k8s.io/pause:3.10</c> by default (pulled when missing). Without registry access use an image the
    /// engines have, with <see cref="SandboxCommand"/> if its default command is not a long sleep, for example a
    /// busybox image and <c>["sh", "-c", "trap 'exit 0' TERM; while :; do sleep 3600 &amp; wait; done"]</c>.
    /// </summary>
    public string SandboxImage { get; set; } = "registry.k8s.io/pause:3.10";

    /// <summary>The sandbox's entrypoint; the image's own when empty.</summary>
    public List<string> SandboxCommand { get; } = [];

    /// <summary>
    /// Where pod directories are created (emptyDir and ConfigMap volumes, termination-message files):
    /// <c>&lt;DataDirectory&gt;/&lt;ClusterId&gt;/&lt;node&gt;/pods/…</c>. Containers bind-mount them, so this must be a path
    /// of the machine the engine runs on: the engines must be local (or share this path with the orchestrator's
    /// machine) for pods with such volumes. Defaults to <c>orchestrator-docker</c> in the temporary directory.
    /// </summary>
    public string? DataDirectory { get; set; }

    /// <summary>
    /// Like <see cref="DataDirectory"/>, for Secret volumes and <c>emptyDir</c> with <c>medium: Memory</c>, which should not
    /// reach a disk. Defaults to <c>/dev/shm/orchestrator-docker</c> where <c>/dev/shm</c> exists, else <see cref="DataDirectory"/>.
    /// </summary>
    public string? MemoryDataDirectory { get; set; }

    /// <summary>The name of the pod network created on each engine; <c>orchestrator-&lt;ClusterId&gt;</c> by default.</summary>
    public string? NetworkName { get; set; }

    /// <summary>The most pods each node runs (its <c>pods</c> capacity); 110.</summary>
    public int MaxPods { get; set; } = 110;

    /// <summary>
    /// Registry credentials for image pulls, tried after those of a pod's <c>imagePullSecrets</c> for images of the
    /// same registry. Never logged.
    /// </summary>
    public List<RegistryCredential> RegistryCredentials { get; } = [];

    /// <summary>Labels of every node, besides <c>kubernetes.io/hostname</c>, <c>/os</c>, <c>/arch</c> and the host's own.</summary>
    public Dictionary<string, string> NodeLabels { get; } = [];

    /// <summary>Taints of every node.</summary>
    public List<Taint> NodeTaints { get; } = [];

    /// <summary>
    /// On connecting, remove leftovers of this cluster id that the node agents would not adopt (see
    /// <see cref="DockerNodes.ConnectAsync"/>); true by default.
    /// </summary>
    public bool RemoveLeftovers { get; set; } = true;
}
