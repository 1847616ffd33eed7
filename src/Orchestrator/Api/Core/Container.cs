using System.Collections.Immutable;
using System.Text.Json.Serialization;

namespace Orchestrator.Api;

/// <summary>One container of a pod (Kubernetes <c>Container</c>).</summary>
public sealed record Container
{
    /// <summary>The container's name: a DNS-1123 label, unique within the pod.</summary>
    public string Name { get; init; } = "";

    /// <summary>The image reference, for example <c>nginx:1.27</c>; required.</summary>
    public string Image { get; init; } = "";

    /// <summary>The entrypoint; replaces the image's <c>ENTRYPOINT</c> when set.</summary>
    public IReadOnlyList<string> Command { get; init; } = [];

    /// <summary>Arguments; replace the image's <c>CMD</c> when set.</summary>
    public IReadOnlyList<string> Args { get; init; } = [];

    /// <summary>The working directory; the image's when unset.</summary>
    public string? WorkingDir { get; init; }

    /// <summary>Ports the container exposes (informational, except for host ports).</summary>
    public IReadOnlyList<ContainerPort> Ports { get; init; } = [];

    /// <summary>Sources of environment variables, applied before <see cref="Env"/>.</summary>
    public IReadOnlyList<EnvFromSource> EnvFrom { get; init; } = [];

    /// <summary>Environment variables; later entries and <see cref="Env"/> win over <see cref="EnvFrom"/>.</summary>
    public IReadOnlyList<EnvVar> Env { get; init; } = [];

    /// <summary>Compute resources the container requests and is limited to.</summary>
    public ResourceRequirements? Resources { get; init; }

    /// <summary>Pod volumes mounted into the container.</summary>
    public IReadOnlyList<VolumeMount> VolumeMounts { get; init; } = [];

    /// <summary>Restarts the container when it fails.</summary>
    public Probe? LivenessProbe { get; init; }

    /// <summary>Removes the pod from service endpoints while it fails.</summary>
    public Probe? ReadinessProbe { get; init; }

    /// <summary>Holds back the other probes until it succeeds once.</summary>
    public Probe? StartupProbe { get; init; }

    /// <summary>Actions run right after start and right before stop.</summary>
    public Lifecycle? Lifecycle { get; init; }

    /// <summary>Where the container writes its termination message; defaults to <c>/dev/termination-log</c>.</summary>
    public string TerminationMessagePath { get; init; } = "/dev/termination-log";

    /// <summary><c>File</c> (the default) or <c>FallbackToLogsOnError</c>; see <see cref="Api.TerminationMessagePolicy"/>.</summary>
    public string TerminationMessagePolicy { get; init; } = Api.TerminationMessagePolicy.File;

    /// <summary>
    /// When to pull the image: <see cref="PullPolicy"/>. The defaulter sets <c>Always</c> for a <c>:latest</c> or
    /// untagged image and <c>IfNotPresent</c> otherwise.
    /// </summary>
    public string? ImagePullPolicy { get; init; }

    /// <summary>Container-level security settings; override the pod's.</summary>
    public SecurityContext? SecurityContext { get; init; }

    /// <summary>For init containers only: <c>Always</c> makes it a sidecar that keeps running.</summary>
    public string? RestartPolicy { get; init; }

    /// <summary>Allocate a stdin buffer.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Stdin { get; init; }

    /// <summary>Close stdin after the first attach session.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool StdinOnce { get; init; }

    /// <summary>Allocate a TTY.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Tty { get; init; }

    /// <summary>The requested amount of <paramref name="resource"/> (for example <c>cpu</c>), or null.</summary>
    public Quantity? GetRequest(string resource) =>
        Resources?.Requests.TryGetValue(resource, out var value) == true ? value : null;

    /// <summary>The limit on <paramref name="resource"/> (for example <c>memory</c>), or null.</summary>
    public Quantity? GetLimit(string resource) =>
        Resources?.Limits.TryGetValue(resource, out var value) == true ? value : null;
}

/// <summary>A port a container exposes (Kubernetes <c>ContainerPort</c>).</summary>
public sealed record ContainerPort
{
    /// <summary>An IANA_SVC_NAME that services can use as <c>targetPort</c>; unique within the pod.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The port number inside the container, 1-65535. JSON name <c>containerPort</c>
    /// (C# forbids a member named like its type).
    /// </summary>
    [JsonPropertyName("containerPort")]
    public int Port { get; init; }

    /// <summary>The port on the node forwarded to the container; 0 for none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public int HostPort { get; init; }

    /// <summary>The node address the host port binds to.</summary>
    public string? HostIP { get; init; }

    /// <summary><c>TCP</c> (the default), <c>UDP</c> or <c>SCTP</c>.</summary>
    public string Protocol { get; init; } = Api.Protocol.Tcp;
}

/// <summary>An environment variable (Kubernetes <c>EnvVar</c>).</summary>
public sealed record EnvVar
{
    /// <summary>The variable name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The literal value; <c>$(VAR)</c> references to earlier variables are expanded.</summary>
    public string? Value { get; init; }

    /// <summary>Where the value comes from, when it is not literal.</summary>
    public EnvVarSource? ValueFrom { get; init; }
}

/// <summary>The source of an environment variable's value (Kubernetes <c>EnvVarSource</c>); exactly one member is set.</summary>
public sealed record EnvVarSource
{
    /// <summary>A field of the pod, for example <c>metadata.name</c> or <c>status.podIP</c>.</summary>
    public ObjectFieldSelector? FieldRef { get; init; }

    /// <summary>A resource limit or request of a container.</summary>
    public ResourceFieldSelector? ResourceFieldRef { get; init; }

    /// <summary>A key of a ConfigMap.</summary>
    public ConfigMapKeySelector? ConfigMapKeyRef { get; init; }

    /// <summary>A key of a Secret.</summary>
    public SecretKeySelector? SecretKeyRef { get; init; }
}

/// <summary>Selects a field of the pod (Kubernetes <c>ObjectFieldSelector</c>).</summary>
public sealed record ObjectFieldSelector
{
    /// <summary>The API version the path is written in; <c>v1</c> when unset.</summary>
    public string? ApiVersion { get; init; }

    /// <summary>The field path, for example <c>metadata.namespace</c>.</summary>
    public string FieldPath { get; init; } = "";
}

/// <summary>Selects a container resource (Kubernetes <c>ResourceFieldSelector</c>).</summary>
public sealed record ResourceFieldSelector
{
    /// <summary>The container; required for volumes, optional for env (defaults to the current container).</summary>
    public string? ContainerName { get; init; }

    /// <summary>The resource, for example <c>limits.cpu</c> or <c>requests.memory</c>.</summary>
    public string Resource { get; init; } = "";

    /// <summary>The unit the value is expressed in; 1 when unset.</summary>
    public Quantity? Divisor { get; init; }
}

/// <summary>Selects a key of a ConfigMap (Kubernetes <c>ConfigMapKeySelector</c>).</summary>
public sealed record ConfigMapKeySelector
{
    /// <summary>The ConfigMap in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>The key.</summary>
    public string Key { get; init; } = "";

    /// <summary>When true, a missing ConfigMap or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Selects a key of a Secret (Kubernetes <c>SecretKeySelector</c>).</summary>
public sealed record SecretKeySelector
{
    /// <summary>The Secret in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>The key.</summary>
    public string Key { get; init; } = "";

    /// <summary>When true, a missing Secret or key is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Imports every key of a ConfigMap or Secret as variables (Kubernetes <c>EnvFromSource</c>).</summary>
public sealed record EnvFromSource
{
    /// <summary>Prepended to every imported key.</summary>
    public string? Prefix { get; init; }

    /// <summary>The ConfigMap to import.</summary>
    public ConfigMapEnvSource? ConfigMapRef { get; init; }

    /// <summary>The Secret to import.</summary>
    public SecretEnvSource? SecretRef { get; init; }
}

/// <summary>A ConfigMap imported as environment (Kubernetes <c>ConfigMapEnvSource</c>).</summary>
public sealed record ConfigMapEnvSource
{
    /// <summary>The ConfigMap in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>When true, a missing ConfigMap is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>A Secret imported as environment (Kubernetes <c>SecretEnvSource</c>).</summary>
public sealed record SecretEnvSource
{
    /// <summary>The Secret in the pod's namespace.</summary>
    public string Name { get; init; } = "";

    /// <summary>When true, a missing Secret is not an error.</summary>
    public bool? Optional { get; init; }
}

/// <summary>Compute resource requests and limits (Kubernetes <c>ResourceRequirements</c>).</summary>
public sealed record ResourceRequirements
{
    /// <summary>The most the container may use, by resource name (<c>cpu</c>, <c>memory</c>, ...).</summary>
    public IReadOnlyDictionary<string, Quantity> Limits { get; init; } = ImmutableDictionary<string, Quantity>.Empty;

    /// <summary>
    /// What the scheduler reserves for the container, by resource name. A resource with a limit but no
    /// request is treated as requesting its limit.
    /// </summary>
    public IReadOnlyDictionary<string, Quantity> Requests { get; init; } = ImmutableDictionary<string, Quantity>.Empty;
}

/// <summary>Mounts a pod volume into a container (Kubernetes <c>VolumeMount</c>).</summary>
public sealed record VolumeMount
{
    /// <summary>The name of a volume in <c>spec.volumes</c>.</summary>
    public string Name { get; init; } = "";

    /// <summary>The absolute path inside the container.</summary>
    public string MountPath { get; init; } = "";

    /// <summary>A path inside the volume to mount instead of its root.</summary>
    public string? SubPath { get; init; }

    /// <summary>Like <see cref="SubPath"/>, with <c>$(VAR)</c> expanded from the container's environment.</summary>
    public string? SubPathExpr { get; init; }

    /// <summary>Mount read-only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool ReadOnly { get; init; }

    /// <summary>Mount propagation: <c>None</c>, <c>HostToContainer</c> or <c>Bidirectional</c>.</summary>
    public string? MountPropagation { get; init; }
}
