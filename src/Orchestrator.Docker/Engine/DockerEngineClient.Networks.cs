namespace Orchestrator.Docker.Engine;

internal sealed partial class DockerEngineClient
{
    /// <summary>POST /networks/create; returns the new network's id.</summary>
    /// <exception cref="DockerConflictException">A network of that name exists.</exception>
    /// <exception cref="DockerApiException">The subnet overlaps another network, or the driver is unknown.</exception>
    public async Task<string> CreateNetworkAsync(NetworkCreateRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        NetworkCreateResponse created = await PostAsync(
            "networks/create", request, DockerJsonContext.Default.NetworkCreateRequest, DockerJsonContext.Default.NetworkCreateResponse, ct).ConfigureAwait(false);
        return created.Id;
    }

    /// <summary>GET /networks/{id}: the network with its attached containers.</summary>
    /// <exception cref="DockerNotFoundException">No such network.</exception>
    public Task<NetworkResponse> InspectNetworkAsync(string idOrName, CancellationToken ct = default) =>
        GetAsync($"networks/{Segment(idOrName)}", DockerJsonContext.Default.NetworkResponse, ct);

    /// <summary>GET /networks (e.g. filter <c>label</c>, <c>name</c>, <c>driver</c>).</summary>
    public Task<IReadOnlyList<NetworkResponse>> ListNetworksAsync(DockerFilters? filters = null, CancellationToken ct = default) =>
        GetAsync(WithQuery("networks", ("filters", Filters(filters))), DockerJsonContext.Default.IReadOnlyListNetworkResponse, ct);

    /// <summary>POST /networks/{id}/connect: attaches a container, optionally with aliases or a fixed address.</summary>
    /// <exception cref="DockerNotFoundException">No such network or container.</exception>
    public Task ConnectNetworkAsync(string network, string container, DockerEndpointSettings? endpoint = null, CancellationToken ct = default) =>
        SendNoContentAsync(
            HttpMethod.Post,
            $"networks/{Segment(network)}/connect",
            Json(new NetworkConnectRequest { Container = container, EndpointConfig = endpoint }, DockerJsonContext.Default.NetworkConnectRequest),
            ct);

    /// <summary>POST /networks/{id}/disconnect.</summary>
    /// <exception cref="DockerNotFoundException">No such network or container.</exception>
    public Task DisconnectNetworkAsync(string network, string container, bool force = false, CancellationToken ct = default) =>
        SendNoContentAsync(
            HttpMethod.Post,
            $"networks/{Segment(network)}/disconnect",
            Json(new NetworkDisconnectRequest { Container = container, Force = force }, DockerJsonContext.Default.NetworkDisconnectRequest),
            ct);

    /// <summary>DELETE /networks/{id}.</summary>
    /// <exception cref="DockerNotFoundException">No such network.</exception>
    /// <exception cref="DockerApiException">Containers are still attached (HTTP 403).</exception>
    public Task RemoveNetworkAsync(string idOrName, CancellationToken ct = default) =>
        SendNoContentAsync(HttpMethod.Delete, $"networks/{Segment(idOrName)}", null, ct);
}
