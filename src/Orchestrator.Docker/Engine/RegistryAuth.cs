using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Orchestrator.Docker.Engine;

/// <summary>
/// Credentials for one registry, sent to the engine as the <c>X-Registry-Auth</c> header: base64url of the JSON auth
/// configuration. <see cref="ToString"/> never shows the secret parts.
/// </summary>
internal sealed record RegistryAuth
{
    [JsonPropertyName("username")]
    public string? Username { get; init; }

    [JsonPropertyName("password")]
    public string? Password { get; init; }

    [JsonPropertyName("serveraddress")]
    public string? ServerAddress { get; init; }

    /// <summary>An OAuth refresh token used instead of username and password.</summary>
    [JsonPropertyName("identitytoken")]
    public string? IdentityToken { get; init; }

    /// <summary>The header value: URL-safe base64 (with padding, as the engine decodes it) of the JSON.</summary>
    public string ToHeaderValue()
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(this, DockerJsonContext.Default.RegistryAuth);
        return Convert.ToBase64String(json).Replace('+', '-').Replace('/', '_');
    }

    /// <summary>Shows the user and server only.</summary>
    public override string ToString() =>
        $"RegistryAuth {{ Username = {Username}, ServerAddress = {ServerAddress}, Password = {(Password is null ? "null" : "***")}, IdentityToken = {(IdentityToken is null ? "null" : "***")} }}";
}
