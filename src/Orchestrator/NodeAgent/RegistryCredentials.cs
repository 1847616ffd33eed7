using System.Text;
using System.Text.Json;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>Reads registry credentials from a pod's <c>imagePullSecrets</c> (<c>kubernetes.io/dockerconfigjson</c> and <c>dockercfg</c>).</summary>
internal static class RegistryCredentials
{
    public static IReadOnlyList<RegistryCredential> For(Pod pod, ILister<Secret> secrets)
    {
        if (pod.Spec.ImagePullSecrets.Count == 0) return [];
        var result = new List<RegistryCredential>();
        foreach (var reference in pod.Spec.ImagePullSecrets)
        {
            var secret = secrets.Get(pod.Metadata.Namespace, reference.Name);
            if (secret is null) continue;
            if (secret.Data.TryGetValue(".dockerconfigjson", out var json)) Parse(json, wrapped: true, result);
            else if (secret.Data.TryGetValue(".dockercfg", out var cfg)) Parse(cfg, wrapped: false, result);
        }
        return result;
    }

    private static void Parse(byte[] json, bool wrapped, List<RegistryCredential> result)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var auths = document.RootElement;
            if (wrapped && !auths.TryGetProperty("auths", out auths)) return;
            if (auths.ValueKind != JsonValueKind.Object) return;
            foreach (var entry in auths.EnumerateObject())
            {
                string? user = entry.Value.TryGetProperty("username", out var u) ? u.GetString() : null;
                string? password = entry.Value.TryGetProperty("password", out var p) ? p.GetString() : null;
                if ((user is null || password is null) && entry.Value.TryGetProperty("auth", out var auth) && auth.GetString() is { } encoded)
                {
                    var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(encoded));
                    var colon = decoded.IndexOf(':');
                    if (colon > 0) (user, password) = (decoded[..colon], decoded[(colon + 1)..]);
                }
                if (user is not null && password is not null) result.Add(new RegistryCredential(entry.Name, user, password));
            }
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            // A malformed pull secret is ignored, as the kubelet does; the pull then runs without it.
        }
    }
}
