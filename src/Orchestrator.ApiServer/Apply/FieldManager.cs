using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Api;
using Orchestrator.ApiServer.Http;
using Orchestrator.ApiServer.Patching;

namespace Orchestrator.ApiServer.Apply;

/// <summary>
/// Field ownership as the Kubernetes API server tracks it in <c>metadata.managedFields</c>. Server-side apply merges an
/// applied configuration into the live object, fails with a conflict when it would change a field another manager owns
/// (unless forced, which takes the field over), and removes fields its manager alone owned and no longer applies. Other
/// writes (<c>Update</c>) take over the fields they change. Pure functions over JSON; the caller stores the result.
/// </summary>
internal static class FieldManager
{
    public const string ApplyOperation = "Apply";
    public const string UpdateOperation = "Update";

    /// <summary>The outcome of an apply: the object to store and its new managed fields.</summary>
    public sealed record Result(JsonObject Object, IReadOnlyList<ManagedFieldsEntry> ManagedFields);

    private sealed class Owner(ManagedFieldsEntry entry)
    {
        public ManagedFieldsEntry Entry { get; set; } = entry;

        public HashSet<string> Fields { get; } = FieldPaths.FromFieldsV1(entry.FieldsV1);

        public bool Changed { get; set; }
    }

    /// <summary>
    /// Applies <paramref name="config"/> for <paramref name="manager"/> onto <paramref name="live"/> (null: the object does not
    /// exist and is created from the configuration). Throws a 409 <see cref="StatusError"/> listing the conflicts when a field
    /// owned by another manager would change and <paramref name="force"/> is false.
    /// </summary>
    public static Result Apply(JsonObject? live, JsonObject config, IReadOnlyList<ManagedFieldsEntry> entries, string manager,
        bool force, string? subresource, string apiVersion, DateTimeOffset now)
    {
        var status = subresource == "status";
        var applied = FieldPaths.Of(config, status);
        var owners = entries.Select(e => new Owner(e)).ToList();
        var mine = owners.Find(o => IsApplyOf(o.Entry, manager, subresource));
        if (live is null)
        {
            var created = (JsonObject)config.DeepClone();
            return new Result(created, [Entry(manager, ApplyOperation, subresource, apiVersion, applied, now)]);
        }

        var conflicts = new List<(string Path, ManagedFieldsEntry Owner)>();
        foreach (var owner in owners)
        {
            if (owner == mine) continue;
            foreach (var path in applied)
            {
                if (path.EndsWith('.') || !owner.Fields.Contains(path)) continue;
                FieldPaths.TryResolve(config, path, out var wanted);
                if (FieldPaths.TryResolve(live, path, out var current) && !JsonNode.DeepEquals(wanted, current)) conflicts.Add((path, owner.Entry));
            }
        }
        if (conflicts.Count > 0 && !force) throw Conflict(conflicts);
        foreach (var (path, entry) in conflicts)
        {
            var owner = owners.First(o => ReferenceEquals(o.Entry, entry));
            owner.Changed |= owner.Fields.Remove(path);
        }

        var merged = (JsonObject)StrategicMergePatch.Apply(live, config);
        if (mine is not null)
        {
            // Fields this manager applied before and applies no longer go, unless another manager owns them too. Shorter
            // paths first, so that a dropped list item goes as a whole before its fields (its key among them) are looked at.
            foreach (var path in mine.Fields.Except(applied).OrderBy(p => p.Length))
            {
                if (FieldPaths.IsItemKey(path)) continue;
                var item = path.EndsWith('.') ? path[..^1] : null;
                var shared = owners.Any(o => o != mine && (o.Fields.Contains(path) || (item is not null && o.Fields.Any(f => f.StartsWith(item, StringComparison.Ordinal)))));
                if (!shared) FieldPaths.Remove(merged, path);
            }
        }

        var result = new List<ManagedFieldsEntry>(owners.Count + 1);
        foreach (var owner in owners)
        {
            if (owner == mine)
            {
                result.Add(mine.Fields.SetEquals(applied) ? mine.Entry : Entry(manager, ApplyOperation, subresource, apiVersion, applied, now));
            }
            else if (owner.Fields.Count > 0)
            {
                result.Add(owner.Changed ? owner.Entry with { FieldsV1 = FieldPaths.ToFieldsV1(owner.Fields) } : owner.Entry);
            }
        }
        if (mine is null) result.Add(Entry(manager, ApplyOperation, subresource, apiVersion, applied, now));
        return new Result(merged, result);
    }

    /// <summary>
    /// The managed fields after a non-apply write by <paramref name="manager"/> changed <paramref name="before"/> (null on create)
    /// into <paramref name="after"/>: the manager takes over every field whose value it changed, and removed fields lose their owners.
    /// Returns <paramref name="entries"/> itself when nothing changed.
    /// </summary>
    public static IReadOnlyList<ManagedFieldsEntry> Update(JsonObject? before, JsonObject after, IReadOnlyList<ManagedFieldsEntry> entries,
        string manager, string? subresource, string apiVersion, DateTimeOffset now)
    {
        var status = subresource == "status";
        var afterFields = FieldPaths.Of(after, status);
        var beforeFields = before is null ? [] : FieldPaths.Of(before, status);
        var changed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in afterFields)
        {
            if (path.EndsWith('.') ? !beforeFields.Contains(path) : !Same(before, after, path)) changed.Add(path);
        }
        var removed = beforeFields.Where(p => !afterFields.Contains(p)).ToHashSet(StringComparer.Ordinal);
        if (changed.Count == 0 && removed.Count == 0) return entries;

        var result = new List<ManagedFieldsEntry>(entries.Count + 1);
        ManagedFieldsEntry? mine = null;
        foreach (var entry in entries)
        {
            var owner = new Owner(entry);
            var isMine = entry.Manager == manager && entry.Operation == UpdateOperation && (entry.Subresource ?? "") == (subresource ?? "");
            var lost = owner.Fields.RemoveWhere(p => removed.Contains(p) || (!isMine && changed.Contains(p)));
            if (isMine)
            {
                owner.Fields.UnionWith(changed);
                mine = Entry(manager, UpdateOperation, subresource, apiVersion, owner.Fields, now);
                if (owner.Fields.Count > 0) result.Add(mine);
            }
            else if (owner.Fields.Count > 0)
            {
                result.Add(lost > 0 ? entry with { FieldsV1 = FieldPaths.ToFieldsV1(owner.Fields) } : entry);
            }
        }
        if (mine is null && changed.Count > 0) result.Add(Entry(manager, UpdateOperation, subresource, apiVersion, changed, now));
        return result;
    }

    private static bool Same(JsonObject? before, JsonObject after, string path) =>
        before is not null && FieldPaths.TryResolve(before, path, out var old) && FieldPaths.TryResolve(after, path, out var current) &&
        JsonNode.DeepEquals(old, current);

    private static bool IsApplyOf(ManagedFieldsEntry entry, string manager, string? subresource) =>
        entry.Manager == manager && entry.Operation == ApplyOperation && (entry.Subresource ?? "") == (subresource ?? "");

    private static ManagedFieldsEntry Entry(string manager, string operation, string? subresource, string apiVersion, IEnumerable<string> fields, DateTimeOffset now) => new()
    {
        Manager = manager,
        Operation = operation,
        ApiVersion = apiVersion,
        Time = new DateTimeOffset(now.UtcTicks - now.UtcTicks % TimeSpan.TicksPerSecond, TimeSpan.Zero),
        FieldsType = "FieldsV1",
        FieldsV1 = FieldPaths.ToFieldsV1(fields),
        Subresource = string.IsNullOrEmpty(subresource) ? null : subresource,
    };

    /// <summary>The 409 Kubernetes answers with, e.g. <c>Apply failed with 1 conflict: conflict with "kubectl-edit" using apps/v1: .spec.replicas</c>.</summary>
    private static StatusError Conflict(List<(string Path, ManagedFieldsEntry Owner)> conflicts)
    {
        var causes = new JsonArray();
        foreach (var (path, owner) in conflicts)
        {
            causes.Add(new JsonObject
            {
                ["reason"] = "FieldManagerConflict",
                ["message"] = $"conflict with {Describe(owner)}",
                ["field"] = FieldPaths.Display(path),
            });
        }
        string message;
        if (conflicts.Count == 1)
        {
            message = $"Apply failed with 1 conflict: conflict with {Describe(conflicts[0].Owner)}: {FieldPaths.Display(conflicts[0].Path)}";
        }
        else
        {
            var lines = new List<string>();
            foreach (var group in conflicts.GroupBy(c => Describe(c.Owner)).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                lines.Add($"conflicts with {group.Key}:");
                lines.AddRange(group.Select(c => $"- {FieldPaths.Display(c.Path)}").Order(StringComparer.Ordinal));
            }
            message = $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
        }
        return new StatusError(409, "Conflict", message, new JsonObject { ["causes"] = causes });
    }

    private static string Describe(ManagedFieldsEntry owner)
    {
        var text = $"\"{owner.Manager}\"";
        if (!string.IsNullOrEmpty(owner.Subresource)) text += $" with subresource \"{owner.Subresource}\"";
        if (owner.Operation == UpdateOperation)
        {
            text += $" using {owner.ApiVersion}";
            if (owner.Time is { } at) text += " at " + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        }
        return text;
    }
}
