namespace Orchestrator.Networking;

/// <summary>
/// <see cref="IServiceAddresses.GetServiceAddressAsync"/> gave up waiting for a Service port: the Service does not exist,
/// has no such port, or is of a type with no proxy (ExternalName).
/// </summary>
public sealed class ServiceNotFoundException(string message, Exception? inner = null) : Exception(message, inner);
