using System.Text;

namespace Orchestrator.ApiServer.Hosting;

/// <summary>Writes a kubeconfig with one cluster, user and context for the running endpoint.</summary>
internal static class Kubeconfig
{
    public static string Render(string name, Uri server, string token, string? certificatePem)
    {
        var sb = new StringBuilder();
        sb.Append("apiVersion: v1\nkind: Config\nclusters:\n- name: ").Append(name).Append("\n  cluster:\n    server: ")
            .Append(server.GetLeftPart(UriPartial.Authority)).Append('\n');
        if (certificatePem is not null)
        {
            sb.Append("    certificate-authority-data: ").Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(certificatePem))).Append('\n');
        }
        sb.Append("users:\n- name: ").Append(name).Append("\n  user:\n    token: ").Append(token).Append('\n');
        sb.Append("contexts:\n- name: ").Append(name).Append("\n  context:\n    cluster: ").Append(name)
            .Append("\n    user: ").Append(name).Append("\n    namespace: default\n");
        sb.Append("current-context: ").Append(name).Append("\npreferences: {}\n");
        return sb.ToString();
    }

    public static void Write(string path, string name, Uri server, string token, string? certificatePem)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        stream.Write(Encoding.UTF8.GetBytes(Render(name, server, token, certificatePem)));
    }
}
