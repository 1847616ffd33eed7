using System.Text;
using Orchestrator.Api;
using Orchestrator.Controllers;
using Orchestrator.Runtime;

namespace Orchestrator.NodeAgent;

/// <summary>
/// Resolves a pod's volumes to <see cref="RuntimeVolume"/> data: emptyDir and hostPath as they are; ConfigMap, Secret,
/// downward API and projected volumes as files (keys as names, or the listed items with their paths and modes,
/// <c>defaultMode</c> 0644); a PersistentVolumeClaim as the host path of the PersistentVolume it is bound to.
/// </summary>
internal sealed class VolumeResolver(
    ILister<ConfigMap> configMaps, ILister<Secret> secrets, ILister<PersistentVolumeClaim> claims, ILister<PersistentVolume> volumes)
{
    /// <summary>The file mode when neither the item nor the volume sets one: 0644.</summary>
    public const int DefaultMode = 420;

    /// <exception cref="ConfigResolutionException">A required object or key is missing, or a claim is not bound; the
    /// message is prefixed with the volume name, as kubelet's <c>FailedMount</c> events are.</exception>
    public IReadOnlyList<RuntimeVolume> Resolve(PodContext context)
    {
        var result = new List<RuntimeVolume>(context.Pod.Spec.Volumes.Count);
        foreach (var volume in context.Pod.Spec.Volumes)
        {
            try
            {
                result.Add(Resolve(context, volume));
            }
            catch (ConfigResolutionException e)
            {
                throw new ConfigResolutionException($"MountVolume.SetUp failed for volume \"{volume.Name}\" : {e.Message}", e.Dependency);
            }
        }
        return result;
    }

    private RuntimeVolume Resolve(PodContext context, Volume volume)
    {
        var ns = context.Namespace;
        if (volume.EmptyDir is { } emptyDir)
        {
            return new RuntimeVolume
            {
                Name = volume.Name,
                Kind = RuntimeVolumeKind.EmptyDir,
                Medium = string.IsNullOrEmpty(emptyDir.Medium) ? null : emptyDir.Medium,
                SizeLimitBytes = emptyDir.SizeLimit?.Value,
            };
        }
        if (volume.HostPath is { } hostPath)
        {
            return new RuntimeVolume
            {
                Name = volume.Name,
                Kind = RuntimeVolumeKind.HostPath,
                HostPath = hostPath.Path,
                HostPathType = string.IsNullOrEmpty(hostPath.Type) ? null : hostPath.Type,
            };
        }
        if (volume.ConfigMap is { } cm)
        {
            var files = new List<VolumeFile>();
            AddConfigMap(files, ns, cm.Name, cm.Items, cm.Optional == true, cm.DefaultMode ?? DefaultMode);
            return Files(volume.Name, files, sensitive: false);
        }
        if (volume.Secret is { } secret)
        {
            var files = new List<VolumeFile>();
            AddSecret(files, ns, secret.SecretName ?? "", secret.Items, secret.Optional == true, secret.DefaultMode ?? DefaultMode);
            return Files(volume.Name, files, sensitive: true);
        }
        if (volume.DownwardAPI is { } downward)
        {
            var files = new List<VolumeFile>();
            AddDownward(files, context, downward.Items, downward.DefaultMode ?? DefaultMode);
            return Files(volume.Name, files, sensitive: false);
        }
        if (volume.Projected is { } projected)
        {
            var files = new List<VolumeFile>();
            var mode = projected.DefaultMode ?? DefaultMode;
            var sensitive = false;
            foreach (var source in projected.Sources)
            {
                if (source.ConfigMap is { } pcm) AddConfigMap(files, ns, pcm.Name, pcm.Items, pcm.Optional == true, mode);
                else if (source.Secret is { } psecret)
                {
                    AddSecret(files, ns, psecret.Name, psecret.Items, psecret.Optional == true, mode);
                    sensitive = true;
                }
                else if (source.DownwardAPI is { } pdown) AddDownward(files, context, pdown.Items, mode);
                else if (source.ServiceAccountToken is { } token)
                {
                    // No token issuer exists in-process: an empty token keeps paths stable for programs that read it.
                    files.Add(new VolumeFile(CheckPath(token.Path), ReadOnlyMemory<byte>.Empty, mode));
                    sensitive = true;
                }
            }
            return Files(volume.Name, files, sensitive);
        }
        if (volume.PersistentVolumeClaim is { } claimSource)
        {
            var claim = claims.Get(ns, claimSource.ClaimName)
                ?? throw new ConfigResolutionException($"persistentvolumeclaim \"{claimSource.ClaimName}\" not found",
                    new("PersistentVolumeClaim", ns, claimSource.ClaimName));
            if (!claim.IsBound() || string.IsNullOrEmpty(claim.Spec.VolumeName))
            {
                throw new ConfigResolutionException($"persistentvolumeclaim \"{claimSource.ClaimName}\" is not bound",
                    new("PersistentVolumeClaim", ns, claimSource.ClaimName));
            }
            var pv = volumes.Get(null, claim.Spec.VolumeName)
                ?? throw new ConfigResolutionException($"persistentvolume \"{claim.Spec.VolumeName}\" not found",
                    new("PersistentVolume", "", claim.Spec.VolumeName));
            var path = pv.Spec.HostPath?.Path ?? pv.Spec.Local?.Path
                ?? throw new ConfigResolutionException($"persistentvolume \"{pv.Metadata.Name}\" has no hostPath or local source");
            return new RuntimeVolume
            {
                Name = volume.Name,
                Kind = RuntimeVolumeKind.Persistent,
                HostPath = path,
                ReadOnly = claimSource.ReadOnly,
            };
        }
        throw new ConfigResolutionException("volume has no supported source");
    }

    private static RuntimeVolume Files(string name, List<VolumeFile> files, bool sensitive) => new()
    {
        Name = name,
        Kind = RuntimeVolumeKind.Files,
        Files = files,
        Sensitive = sensitive,
        ReadOnly = true,
    };

    private void AddConfigMap(List<VolumeFile> files, string ns, string name, IReadOnlyList<KeyToPath> items, bool optional, int mode)
    {
        var cm = configMaps.Get(ns, name);
        if (cm is null)
        {
            if (optional) return;
            throw new ConfigResolutionException($"configmap \"{name}\" not found", new("ConfigMap", ns, name));
        }
        ReadOnlyMemory<byte>? Lookup(string key) =>
            cm.Data.TryGetValue(key, out var text) ? Encoding.UTF8.GetBytes(text)
            : cm.BinaryData.TryGetValue(key, out var bytes) ? bytes
            : null;
        var keys = cm.Data.Keys.Concat(cm.BinaryData.Keys);
        AddKeys(files, keys, Lookup, items, optional, mode, $"configmap references non-existent config key: ", new("ConfigMap", ns, name));
    }

    private void AddSecret(List<VolumeFile> files, string ns, string name, IReadOnlyList<KeyToPath> items, bool optional, int mode)
    {
        var secret = secrets.Get(ns, name);
        if (secret is null)
        {
            if (optional) return;
            throw new ConfigResolutionException($"secret \"{name}\" not found", new("Secret", ns, name));
        }
        ReadOnlyMemory<byte>? Lookup(string key) => secret.Data.TryGetValue(key, out var bytes) ? bytes : null;
        AddKeys(files, secret.Data.Keys, Lookup, items, optional, mode, $"secret references non-existent secret key: ", new("Secret", ns, name));
    }

    private static void AddKeys(
        List<VolumeFile> files, IEnumerable<string> keys, Func<string, ReadOnlyMemory<byte>?> lookup, IReadOnlyList<KeyToPath> items,
        bool optional, int mode, string missingKeyMessage, ConfigDependency dependency)
    {
        if (items.Count == 0)
        {
            foreach (var key in keys.Order(StringComparer.Ordinal)) files.Add(new VolumeFile(key, lookup(key)!.Value, mode));
            return;
        }
        foreach (var item in items)
        {
            if (lookup(item.Key) is { } content) files.Add(new VolumeFile(CheckPath(item.Path), content, item.Mode ?? mode));
            else if (!optional) throw new ConfigResolutionException(missingKeyMessage + item.Key, dependency);
        }
    }

    private static void AddDownward(List<VolumeFile> files, PodContext context, IReadOnlyList<DownwardApiVolumeFile> items, int mode)
    {
        foreach (var item in items)
        {
            string value;
            if (item.FieldRef is { } fieldRef) value = EnvironmentResolver.FieldValue(context, fieldRef.FieldPath);
            else if (item.ResourceFieldRef is { } resourceRef) value = EnvironmentResolver.ResourceValue(context, null, resourceRef);
            else continue;
            files.Add(new VolumeFile(CheckPath(item.Path), Encoding.UTF8.GetBytes(value), item.Mode ?? mode));
        }
    }

    private static string CheckPath(string path)
    {
        if (path.Length == 0 || path.StartsWith('/') || path.Split('/').Contains(".."))
        {
            throw new ConfigResolutionException($"invalid path \"{path}\": must be relative and may not contain '..'");
        }
        return path;
    }
}
