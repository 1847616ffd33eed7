namespace Orchestrator.Api;

/// <summary>
/// The addresses behind a service (Kubernetes core/v1 <c>Endpoints</c>), named like the service.
/// The endpoints controller writes it for services with a selector.
/// </summary>
public sealed record Endpoints : KubernetesObject
{
    /// <summary>Creates an empty <c>v1</c> Endpoints.</summary>
    public Endpoints() : base("v1", "Endpoints")
    {
    }

    /// <summary>Groups of addresses that share the same ports.</summary>
    public IReadOnlyList<EndpointSubset> Subsets { get; init; } = [];
}

/// <summary>Addresses with a common set of ports (Kubernetes <c>EndpointSubset</c>).</summary>
public sealed record EndpointSubset
{
    /// <summary>Addresses of ready pods.</summary>
    public IReadOnlyList<EndpointAddress> Addresses { get; init; } = [];

    /// <summary>Addresses of pods that are not ready (yet).</summary>
    public IReadOnlyList<EndpointAddress> NotReadyAddresses { get; init; } = [];

    /// <summary>The ports, valid on every address.</summary>
    public IReadOnlyList<EndpointPort> Ports { get; init; } = [];
}

/// <summary>One endpoint address (Kubernetes <c>EndpointAddress</c>).</summary>
public sealed record EndpointAddress
{
    /// <summary>The IP address.</summary>
    public string Ip { get; init; } = "";

    /// <summary>The host name of the pod, if it has one.</summary>
    public string? Hostname { get; init; }

    /// <summary>The node that hosts the endpoint.</summary>
    public string? NodeName { get; init; }

    /// <summary>The pod that provides the endpoint.</summary>
    public ObjectReference? TargetRef { get; init; }
}

/// <summary>One endpoint port (Kubernetes <c>EndpointPort</c>).</summary>
public sealed record EndpointPort
{
    /// <summary>The name of the service port this port serves; required when the service has more than one.</summary>
    public string? Name { get; init; }

    /// <summary>The port number.</summary>
    public int Port { get; init; }

    /// <summary><c>TCP</c> (the default), <c>UDP</c> or <c>SCTP</c>.</summary>
    public string Protocol { get; init; } = Api.Protocol.Tcp;

    /// <summary>The application protocol.</summary>
    public string? AppProtocol { get; init; }
}
