using Orchestrator.Docker.Engine;
using Orchestrator.Runtime;

namespace Orchestrator.Docker.Runtime;

// Cleanup of leftovers: what the node agent's adoption cannot see.
public sealed partial class DockerContainerRuntime
{
    /// <summary>
    /// Removes leftovers of this cluster on this engine before the node agent starts. The agent adopts what carries its
    /// own node name and removes what belongs to pods that no longer exist; this removes what it would never look at:
    /// sandboxes and containers labelled with a node this process does not run on this engine (an earlier run with other
    /// nodes), containers whose sandbox is gone, and sandbox directories whose sandbox is gone.
    /// </summary>
    /// <remarks>Call only before pods are synchronised: a sandbox being created has a directory before it has a container.</remarks>
    /// <returns>How many containers and directories were removed.</returns>
    internal async Task<(int Containers, int Directories)> ReapAsync(CancellationToken cancellationToken)
    {
        var owned = await ListOwnedAsync(null, null, runningOnly: false, cancellationToken).ConfigureAwait(false);
        var nodes = new HashSet<string>(_settings.NodeNamesOnEngine, StringComparer.Ordinal) { _settings.NodeName };
        bool Foreign(ContainerSummary c) =>
            c.Labels?.GetValueOrDefault(ContainerLabels.NodeName) is not { } node || !nodes.Contains(node);
        string? Role(ContainerSummary c) => c.Labels?.GetValueOrDefault(DockerLabels.Role);

        var sandboxes = owned.Where(c => Role(c) == DockerLabels.SandboxRole).ToList();
        var doomedSandboxes = sandboxes.Where(Foreign).ToList();
        var liveSandboxes = sandboxes.Except(doomedSandboxes).Select(s => s.Id).ToHashSet(StringComparer.Ordinal);
        var doomedContainers = owned
            .Where(c => Role(c) != DockerLabels.SandboxRole &&
                (Foreign(c) || c.Labels?.GetValueOrDefault(DockerLabels.SandboxId) is not { } sandbox || !liveSandboxes.Contains(sandbox)))
            .ToList();

        var removed = 0;
        await Parallel.ForEachAsync(doomedContainers, Parallelism(cancellationToken), async (container, ct) =>
        {
            if (await RemoveQuietlyAsync(() => RemoveContainerAsync(container.Id, ct), container.Id).ConfigureAwait(false)) Interlocked.Increment(ref removed);
        }).ConfigureAwait(false);
        await Parallel.ForEachAsync(doomedSandboxes, Parallelism(cancellationToken), async (sandbox, ct) =>
        {
            if (await RemoveQuietlyAsync(() => RemoveSandboxAsync(sandbox.Id, ct), sandbox.Id).ConfigureAwait(false)) Interlocked.Increment(ref removed);
        }).ConfigureAwait(false);

        var liveDirectories = sandboxes.Where(s => liveSandboxes.Contains(s.Id))
            .SelectMany(s => new[] { s.Labels?.GetValueOrDefault(DockerLabels.SandboxDirectory), s.Labels?.GetValueOrDefault(DockerLabels.SandboxMemoryDirectory) })
            .OfType<string>()
            .Select(Path.GetFullPath)
            .ToHashSet(StringComparer.Ordinal);
        var directories = 0;
        foreach (var root in new[] { _settings.DataDirectory, _settings.MemoryDataDirectory }.Distinct())
        {
            var pods = Path.Combine(root, "pods");
            if (!Directory.Exists(pods)) continue;
            foreach (var directory in Directory.EnumerateDirectories(pods))
            {
                if (liveDirectories.Contains(Path.GetFullPath(directory))) continue;
                try
                {
                    Directory.Delete(directory, recursive: true);
                    directories++;
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    DockerRuntimeLog.ReapFailed(_logger, directory, EngineAddress, e.Message);
                }
            }
        }
        if (removed + directories > 0) DockerRuntimeLog.Reaped(_logger, removed, directories, _settings.ClusterId, EngineAddress);
        return (removed, directories);
    }

    /// <summary>
    /// Removes everything of this runtime's node on this engine: its sandboxes and containers (whatever the pods'
    /// state) and its data directories. For tests and throw-away clusters; the node agent must not be running.
    /// </summary>
    internal async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var filter = new Dictionary<string, string> { [ContainerLabels.NodeName] = _settings.NodeName };
        var owned = await ListOwnedAsync(null, filter, runningOnly: false, cancellationToken).ConfigureAwait(false);
        // Containers before their sandboxes: removing both of a pair at once can leave the engine a stale network endpoint.
        foreach (var group in owned.GroupBy(c => c.Labels?.GetValueOrDefault(DockerLabels.Role) == DockerLabels.SandboxRole).OrderBy(g => g.Key))
        {
            await Parallel.ForEachAsync(group, Parallelism(cancellationToken),
                async (container, ct) => await ForceRemoveAsync(container.Id, ct).ConfigureAwait(false)).ConfigureAwait(false);
        }
        SandboxDirectories.Delete(_settings.DataDirectory, _settings.MemoryDataDirectory);
    }

    private async Task<bool> RemoveQuietlyAsync(Func<ValueTask> remove, string what)
    {
        try
        {
            await remove().ConfigureAwait(false);
            return true;
        }
        catch (ContainerRuntimeException e)
        {
            DockerRuntimeLog.ReapFailed(_logger, what, EngineAddress, e.Message);
            return false;
        }
    }
}
