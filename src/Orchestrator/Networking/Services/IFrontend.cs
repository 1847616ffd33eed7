using System.Net;

namespace Orchestrator.Networking.Services;

/// <summary>A listener of the proxy bound to one address and port; disposing it stops accepting (open relays continue).</summary>
internal interface IFrontend : IDisposable
{
    /// <summary>The bound local endpoint (with the actual port when bound to port 0).</summary>
    IPEndPoint LocalEndPoint { get; }
}
