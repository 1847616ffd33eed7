using System.Text;

namespace Orchestrator.Docker.Runtime;

/// <summary>
/// Container names in dockershim's readable scheme, so that <c>docker ps</c> tells what is what:
/// <c>k8s_POD_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid8&gt;_&lt;attempt&gt;</c> for sandboxes and
/// <c>k8s_&lt;container&gt;_&lt;pod&gt;_&lt;namespace&gt;_&lt;uid8&gt;_&lt;restart&gt;</c> for containers, where uid8 is the
/// start of the pod uid. Names are deterministic; the runtime resolves a clash with a leftover of its own by removing it.
/// </summary>
internal static class DockerNames
{
    /// <summary>The name of the sandbox of attempt <paramref name="attempt"/> of a pod.</summary>
    public static string Sandbox(string podName, string podNamespace, string podUid, int attempt) =>
        Join("POD", podName, podNamespace, podUid, attempt);

    /// <summary>The name of instance <paramref name="restartCount"/> of a container of a pod.</summary>
    public static string Container(string containerName, string podName, string podNamespace, string podUid, int restartCount) =>
        Join(containerName, podName, podNamespace, podUid, restartCount);

    private static string Join(string what, string podName, string podNamespace, string podUid, int number)
    {
        var uid = podUid.Replace("-", "", StringComparison.Ordinal);
        if (uid.Length > 8) uid = uid[..8];
        return $"k8s_{Clean(what)}_{Clean(podName)}_{Clean(podNamespace)}_{Clean(uid)}_{number}";
    }

    /// <summary>Keeps what Docker allows in names (<c>[a-zA-Z0-9_.-]</c>); Kubernetes names already fit, this guards the rest.</summary>
    private static string Clean(string text)
    {
        if (text.Length == 0) return "x";
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            builder.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-');
        }
        return builder.ToString();
    }
}
