using System.Globalization;
using Orchestrator.Api;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>Translates a pod into the runtime's terms: sandbox configuration, container configuration and labels.</summary>
internal static class RuntimeConfigFactory
{
    /// <summary>The labels every sandbox and container of <paramref name="pod"/> on <paramref name="node"/> carries.</summary>
    public static Dictionary<string, string> PodLabels(Pod pod, string node) => new(StringComparer.Ordinal)
    {
        [ContainerLabels.NodeName] = node,
        [ContainerLabels.PodUid] = pod.Metadata.Uid ?? "",
        [ContainerLabels.PodName] = pod.Metadata.Name ?? "",
        [ContainerLabels.PodNamespace] = pod.Metadata.Namespace ?? "",
    };

    public static PodSandboxConfig Sandbox(PodContext context, int attempt, string? network, IReadOnlyList<RuntimeVolume> volumes, NodeAgentOptions options)
    {
        var pod = context.Pod;
        var labels = new Dictionary<string, string>(pod.Metadata.Labels, StringComparer.Ordinal);
        foreach (var (key, value) in PodLabels(pod, context.NodeName)) labels[key] = value;
        labels[ContainerLabels.SandboxAttempt] = attempt.ToString(CultureInfo.InvariantCulture);
        var hostname = pod.Spec.Hostname ?? pod.Metadata.Name ?? "";
        if (hostname.Length > 63) hostname = hostname[..63].TrimEnd('-', '.');
        if (pod.Spec.SetHostnameAsFQDN == true && pod.Spec.Subdomain is { Length: > 0 } sub)
        {
            hostname = $"{hostname}.{sub}.{context.Namespace}.svc.{options.ClusterDomain}";
        }
        return new PodSandboxConfig
        {
            PodName = pod.Metadata.Name ?? "",
            PodNamespace = context.Namespace,
            PodUid = pod.Metadata.Uid ?? "",
            Attempt = attempt,
            Hostname = hostname,
            Labels = labels,
            Annotations = pod.Metadata.Annotations,
            Network = network,
            HostNetwork = pod.Spec.HostNetwork,
            PortMappings = [.. pod.Spec.AllContainers().SelectMany(c => c.Ports).Where(p => p.HostPort > 0)
                .Select(p => new PortMapping(p.Port, p.HostPort, p.Protocol, p.HostIP))],
            Dns = Dns(pod, options),
            HostEntries = [.. pod.Spec.HostAliases.Select(a => new HostEntry(a.Ip, a.Hostnames))],
            Volumes = volumes,
        };
    }

    /// <summary>The resolver settings for the pod's DNS policy (kubelet's <c>dns.Configurer</c>, simplified).</summary>
    public static DnsSettings? Dns(Pod pod, NodeAgentOptions options)
    {
        var policy = pod.Spec.DnsPolicy;
        if (policy == DnsPolicy.ClusterFirst && pod.Spec.HostNetwork) policy = DnsPolicy.Default;
        DnsSettings? settings = null;
        if (policy is DnsPolicy.ClusterFirst or DnsPolicy.ClusterFirstWithHostNet && options.ClusterDns.Count > 0)
        {
            var ns = pod.Metadata.Namespace ?? "default";
            settings = new DnsSettings
            {
                Servers = options.ClusterDns,
                Searches = [$"{ns}.svc.{options.ClusterDomain}", $"svc.{options.ClusterDomain}", options.ClusterDomain],
                Options = ["ndots:5"],
            };
        }
        else if (policy == DnsPolicy.None)
        {
            settings = new DnsSettings();
        }
        if (pod.Spec.DnsConfig is { } extra)
        {
            settings ??= new DnsSettings();
            settings = settings with
            {
                Servers = [.. settings.Servers.Concat(extra.Nameservers).Distinct()],
                Searches = [.. settings.Searches.Concat(extra.Searches).Distinct()],
                Options = [.. settings.Options.Where(o => extra.Options.All(x => x.Name != o.Split(':')[0]))
                    .Concat(extra.Options.Select(o => o.Value is null ? o.Name : $"{o.Name}:{o.Value}"))],
            };
        }
        return settings;
    }

    /// <summary>A stable hash of what makes a running container out of date (its image), for <see cref="ContainerLabels.ContainerHash"/>.</summary>
    public static string Hash(Container container)
    {
        var hash = 2166136261u;
        foreach (var c in container.Name + "\0" + container.Image)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return hash.ToString("x8", CultureInfo.InvariantCulture);
    }

    public static ContainerConfig Container(
        PodContext context, Container container, bool isInit, int restartCount, IReadOnlyList<ContainerEnvVar> env)
    {
        var pod = context.Pod;
        var labels = PodLabels(pod, context.NodeName);
        labels[ContainerLabels.ContainerName] = container.Name;
        labels[ContainerLabels.RestartCount] = restartCount.ToString(CultureInfo.InvariantCulture);
        labels[ContainerLabels.ContainerKind] = isInit ? ContainerLabels.InitKind : ContainerLabels.AppKind;
        labels[ContainerLabels.ContainerHash] = Hash(container);

        string? Lookup(string name)
        {
            for (var i = env.Count - 1; i >= 0; i--)
            {
                if (env[i].Name == name) return env[i].Value;
            }
            return null;
        }

        return new ContainerConfig
        {
            Name = container.Name,
            Image = container.Image,
            Command = [.. container.Command.Select(c => VariableExpansion.Expand(c, Lookup))],
            Args = [.. container.Args.Select(a => VariableExpansion.Expand(a, Lookup))],
            WorkingDir = string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir,
            Env = env,
            Mounts = [.. container.VolumeMounts.Select(m => new ContainerMount(
                m.Name, m.MountPath, m.ReadOnly,
                m.SubPathExpr is { Length: > 0 } expr ? VariableExpansion.Expand(expr, Lookup) : string.IsNullOrEmpty(m.SubPath) ? null : m.SubPath))],
            Ports = [.. container.Ports.Select(p => new ContainerPortInfo(p.Port, p.Protocol, p.Name))],
            Resources = Resources(container),
            Security = Security(pod.Spec.SecurityContext, container.SecurityContext),
            Labels = labels,
            Annotations = pod.Metadata.Annotations,
            TerminationMessagePath = string.IsNullOrEmpty(container.TerminationMessagePath) ? null : container.TerminationMessagePath,
            Tty = container.Tty,
            Stdin = container.Stdin,
        };
    }

    public static ContainerResources Resources(Container container)
    {
        var cpuLimit = container.GetLimit(ResourceName.Cpu)?.MilliValue;
        var memoryLimit = container.GetLimit(ResourceName.Memory)?.Value;
        var cpuRequest = container.GetRequest(ResourceName.Cpu)?.MilliValue ?? cpuLimit;
        var memoryRequest = container.GetRequest(ResourceName.Memory)?.Value ?? memoryLimit;
        return cpuLimit is null && memoryLimit is null && cpuRequest is null && memoryRequest is null
            ? ContainerResources.None
            : new ContainerResources(cpuRequest, cpuLimit, memoryRequest, memoryLimit);
    }

    private static ContainerSecurity? Security(PodSecurityContext? pod, SecurityContext? container)
    {
        if (pod is null && container is null) return null;
        var groups = pod?.SupplementalGroups ?? [];
        if (pod?.FsGroup is { } fsGroup) groups = [.. groups, fsGroup];
        return new ContainerSecurity
        {
            RunAsUser = container?.RunAsUser ?? pod?.RunAsUser,
            RunAsGroup = container?.RunAsGroup ?? pod?.RunAsGroup,
            SupplementalGroups = groups,
            Privileged = container?.Privileged == true,
            ReadOnlyRootFilesystem = container?.ReadOnlyRootFilesystem == true,
            AddCapabilities = container?.Capabilities?.Add ?? [],
            DropCapabilities = container?.Capabilities?.Drop ?? [],
        };
    }
}
