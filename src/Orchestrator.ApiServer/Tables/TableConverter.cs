using System.Globalization;
using System.Text.Json.Nodes;
using Orchestrator.Api;

namespace Orchestrator.ApiServer.Tables;

/// <summary>
/// Builds <c>meta.k8s.io/v1</c> Table responses with the columns kubectl shows for each kind (priority 1 columns only with
/// <c>-o wide</c>). Cells are computed from the object's JSON, the way the Kubernetes printers compute them.
/// </summary>
internal sealed class TableConverter(TimeProvider time)
{
    private sealed record Column(string Name, string Type, int Priority, Func<JsonNode, DateTimeOffset, object?> Cell);

    private static Column Name() => new("Name", "string", 0, (o, _) => Str(o, "metadata", "name"));

    private static Column Age() => new("Age", "string", 0, (o, now) => AgeOf(o, now));

    private static readonly Dictionary<string, Column[]> Columns = new(StringComparer.Ordinal)
    {
        ["pods"] =
        [
            Name(),
            new("Ready", "string", 0, (o, _) => PodReady(o)),
            new("Status", "string", 0, (o, _) => PodStatus(o)),
            new("Restarts", "string", 0, (o, _) => Restarts(o)),
            Age(),
            new("IP", "string", 1, (o, _) => Str(o, "status", "podIP") ?? "<none>"),
            new("Node", "string", 1, (o, _) => Str(o, "spec", "nodeName") ?? "<none>"),
        ],
        ["deployments"] =
        [
            Name(),
            new("Ready", "string", 0, (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
            new("Up-to-date", "integer", 0, (o, _) => Int(o, "status", "updatedReplicas")),
            new("Available", "integer", 0, (o, _) => Int(o, "status", "availableReplicas")),
            Age(),
            new("Containers", "string", 1, (o, _) => Containers(o, "name")),
            new("Images", "string", 1, (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, (o, _) => Selector(o)),
        ],
        ["replicasets"] =
        [
            Name(),
            new("Desired", "integer", 0, (o, _) => Int(o, "spec", "replicas")),
            new("Current", "integer", 0, (o, _) => Int(o, "status", "replicas")),
            new("Ready", "integer", 0, (o, _) => Int(o, "status", "readyReplicas")),
            Age(),
            new("Containers", "string", 1, (o, _) => Containers(o, "name")),
            new("Images", "string", 1, (o, _) => Containers(o, "image")),
            new("Selector", "string", 1, (o, _) => Selector(o)),
        ],
        ["statefulsets"] =
        [
            Name(),
            new("Ready", "string", 0, (o, _) => $"{Int(o, "status", "readyReplicas")}/{Int(o, "spec", "replicas")}"),
            Age(),
            new("Containers", "string", 1, (o, _) => Containers(o, "name")),
            new("Images", "string", 1, (o, _) => Containers(o, "image")),
        ],
        ["daemonsets"] =
        [
            Name(),
            new("Desired", "integer", 0, (o, _) => Int(o, "status", "desiredNumberScheduled")),
            new("Current", "integer", 0, (o, _) => Int(o, "status", "currentNumberScheduled")),
            new("Ready", "integer", 0, (o, _) => Int(o, "status", "numberReady")),
            new("Up-to-date", "integer", 0, (o, _) => Int(o, "status", "updatedNumberScheduled")),
            new("Available", "integer", 0, (o, _) => Int(o, "status", "numberAvailable")),
            new("Node Selector", "string", 0, (o, _) => Pairs(o["spec"]?["template"]?["spec"]?["nodeSelector"] as JsonObject)),
            Age(),
        ],
        ["services"] =
        [
            Name(),
            new("Type", "string", 0, (o, _) => Str(o, "spec", "type") ?? "ClusterIP"),
            new("Cluster-IP", "string", 0, (o, _) => Str(o, "spec", "clusterIP") ?? "<none>"),
            new("External-IP", "string", 0, (o, _) => ExternalIps(o)),
            new("Port(s)", "string", 0, (o, _) => ServicePorts(o)),
            Age(),
            new("Selector", "string", 1, (o, _) => Pairs(o["spec"]?["selector"] as JsonObject)),
        ],
        ["endpoints"] = [Name(), new("Endpoints", "string", 0, (o, _) => EndpointList(o)), Age()],
        ["nodes"] =
        [
            Name(),
            new("Status", "string", 0, (o, _) => NodeStatus(o)),
            new("Roles", "string", 0, (o, _) => NodeRoles(o)),
            Age(),
            new("Version", "string", 0, (o, _) => Str(o, "status", "nodeInfo", "kubeletVersion") ?? ""),
            new("Internal-IP", "string", 1, (o, _) => NodeAddress(o, "InternalIP")),
        ],
        ["namespaces"] = [Name(), new("Status", "string", 0, (o, _) => Str(o, "status", "phase") ?? "Active"), Age()],
        ["configmaps"] = [Name(), new("Data", "integer", 0, (o, _) => Count(o["data"]) + Count(o["binaryData"])), Age()],
        ["secrets"] = [Name(), new("Type", "string", 0, (o, _) => Str(o, "type") ?? "Opaque"), new("Data", "integer", 0, (o, _) => Count(o["data"])), Age()],
        ["jobs"] =
        [
            Name(),
            new("Completions", "string", 0, (o, _) => $"{Int(o, "status", "succeeded")}/{(o["spec"]?["completions"] is { } c ? c.ToString() : "1")}"),
            Age(),
        ],
        ["events"] =
        [
            new("Last Seen", "string", 0, (o, now) => Timestamp(o["lastTimestamp"] ?? o["eventTime"] ?? o["metadata"]?["creationTimestamp"], now)),
            new("Type", "string", 0, (o, _) => Str(o, "type") ?? ""),
            new("Reason", "string", 0, (o, _) => Str(o, "reason") ?? ""),
            new("Object", "string", 0, (o, _) => $"{Str(o, "involvedObject", "kind")?.ToLowerInvariant()}/{Str(o, "involvedObject", "name")}"),
            new("Message", "string", 0, (o, _) => Str(o, "message") ?? ""),
        ],
    };

    private static readonly Column[] Generic = [Name(), Age()];

    /// <summary>Ready addresses as <c>ip:port</c> (just <c>ip</c> for a subset without ports), at most three, as kubectl prints them.</summary>
    private static string EndpointList(JsonNode o)
    {
        if (o["subsets"] is not JsonArray { Count: > 0 } subsets) return "<none>";
        const int max = 3;
        var list = new List<string>(max);
        var count = 0;
        foreach (var subset in subsets)
        {
            var addresses = (subset?["addresses"] as JsonArray)?.Select(a => a?["ip"]?.GetValue<string>() ?? "").ToArray() ?? [];
            var ports = (subset?["ports"] as JsonArray)?.Select(p => p?["port"]?.ToString() ?? "").ToArray() ?? [];
            foreach (var port in ports.Length == 0 ? [null] : ports.Cast<string?>())
            {
                count += addresses.Length;
                foreach (var ip in addresses)
                {
                    if (list.Count == max) break;
                    list.Add(port is null ? ip : ip.Contains(':', StringComparison.Ordinal) ? $"[{ip}]:{port}" : $"{ip}:{port}");
                }
            }
        }
        var text = string.Join(",", list);
        return count > max ? $"{text} + {count - max} more..." : text;
    }

    /// <summary>A Table of <paramref name="objects"/> with the columns of <paramref name="kind"/>.</summary>
    public JsonObject ToTable(ResourceKind kind, IEnumerable<JsonNode> objects, string? resourceVersion, string? continueToken)
    {
        var columns = Columns.GetValueOrDefault(kind.Plural) ?? Generic;
        var definitions = new JsonArray();
        foreach (var column in columns)
        {
            definitions.Add(new JsonObject
            {
                ["name"] = column.Name,
                ["type"] = column.Type,
                ["format"] = column.Name == "Name" ? "name" : "",
                ["description"] = "",
                ["priority"] = column.Priority,
            });
        }
        var now = time.GetUtcNow();
        var rows = new JsonArray();
        foreach (var obj in objects)
        {
            var cells = new JsonArray();
            foreach (var column in columns) cells.Add(JsonValue.Create(column.Cell(obj, now)));
            rows.Add(new JsonObject { ["cells"] = cells, ["object"] = obj });
        }
        var metadata = new JsonObject();
        if (resourceVersion is not null) metadata["resourceVersion"] = resourceVersion;
        if (continueToken is not null) metadata["continue"] = continueToken;
        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = definitions,
            ["rows"] = rows,
        };
    }

    private static string? Str(JsonNode o, params string[] path)
    {
        JsonNode? node = o;
        foreach (var p in path) node = node?[p];
        return node is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
    }

    private static long Int(JsonNode o, params string[] path)
    {
        JsonNode? node = o;
        foreach (var p in path) node = node?[p];
        return node is JsonValue v && v.TryGetValue<long>(out var n) ? n : 0;
    }

    private static int Count(JsonNode? node) => node switch { JsonObject o => o.Count, JsonArray a => a.Count, _ => 0 };

    private static string AgeOf(JsonNode o, DateTimeOffset now) => Timestamp(o["metadata"]?["creationTimestamp"], now);

    private static string Timestamp(JsonNode? node, DateTimeOffset now) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) &&
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? HumanDuration.Format(now - at)
            : "<unknown>";

    private static string Pairs(JsonObject? map) =>
        map is null || map.Count == 0 ? "<none>" : string.Join(",", map.Select(p => $"{p.Key}={p.Value}"));

    private static string Selector(JsonNode o) => Pairs(o["spec"]?["selector"]?["matchLabels"] as JsonObject);

    private static string Containers(JsonNode o, string field) =>
        string.Join(",", (o["spec"]?["template"]?["spec"]?["containers"] as JsonArray ?? []).Select(c => c?[field]?.ToString()));

    private static string PodReady(JsonNode o)
    {
        var total = Count(o["spec"]?["containers"]);
        var ready = (o["status"]?["containerStatuses"] as JsonArray ?? []).Count(c => c?["ready"] is JsonValue v && v.GetValue<bool>());
        return $"{ready}/{total}";
    }

    private static string Restarts(JsonNode o) =>
        (o["status"]?["containerStatuses"] as JsonArray ?? []).Sum(c => c?["restartCount"] is JsonValue v ? v.GetValue<long>() : 0)
            .ToString(CultureInfo.InvariantCulture);

    private static string PodStatus(JsonNode o)
    {
        var reason = Str(o, "status", "reason") ?? Str(o, "status", "phase") ?? "Pending";
        foreach (var init in o["status"]?["initContainerStatuses"] as JsonArray ?? [])
        {
            if (init?["state"]?["waiting"]?["reason"] is { } waiting && waiting.ToString() != "PodInitializing") return $"Init:{waiting}";
        }
        var running = false;
        foreach (var status in (o["status"]?["containerStatuses"] as JsonArray ?? []).Reverse())
        {
            var state = status?["state"];
            if (state?["waiting"]?["reason"] is { } waiting && waiting.ToString().Length > 0) reason = waiting.ToString();
            else if (state?["terminated"] is { } terminated)
            {
                reason = terminated["reason"]?.ToString() ?? $"ExitCode:{terminated["exitCode"]}";
            }
            else if (state?["running"] is not null && status?["ready"] is JsonValue r && r.GetValue<bool>()) running = true;
        }
        if (reason == "Completed" && running) reason = "Running";
        if (o["metadata"]?["deletionTimestamp"] is not null) reason = "Terminating";
        return reason;
    }

    private static string ExternalIps(JsonNode o)
    {
        var ips = (o["spec"]?["externalIPs"] as JsonArray ?? []).Select(i => i?.ToString())
            .Concat((o["status"]?["loadBalancer"]?["ingress"] as JsonArray ?? []).Select(i => i?["ip"]?.ToString() ?? i?["hostname"]?.ToString()))
            .Where(i => !string.IsNullOrEmpty(i)).ToArray();
        if (ips.Length > 0) return string.Join(",", ips);
        return Str(o, "spec", "type") == "LoadBalancer" ? "<pending>" : "<none>";
    }

    private static string ServicePorts(JsonNode o)
    {
        var ports = (o["spec"]?["ports"] as JsonArray ?? []).Select(p =>
        {
            var protocol = p?["protocol"]?.ToString() ?? "TCP";
            return p?["nodePort"] is { } nodePort ? $"{p["port"]}:{nodePort}/{protocol}" : $"{p?["port"]}/{protocol}";
        }).ToArray();
        return ports.Length == 0 ? "<none>" : string.Join(",", ports);
    }

    private static string NodeStatus(JsonNode o)
    {
        var ready = (o["status"]?["conditions"] as JsonArray ?? []).FirstOrDefault(c => c?["type"]?.ToString() == "Ready");
        var status = ready?["status"]?.ToString() switch { "True" => "Ready", "False" => "NotReady", _ => "Unknown" };
        if (o["spec"]?["unschedulable"] is JsonValue u && u.GetValue<bool>()) status += ",SchedulingDisabled";
        return status;
    }

    private static string NodeRoles(JsonNode o)
    {
        const string prefix = "node-role.kubernetes.io/";
        var roles = (o["metadata"]?["labels"] as JsonObject ?? []).Where(p => p.Key.StartsWith(prefix, StringComparison.Ordinal))
            .Select(p => p.Key[prefix.Length..]).Where(r => r.Length > 0).Order(StringComparer.Ordinal).ToArray();
        return roles.Length == 0 ? "<none>" : string.Join(",", roles);
    }

    private static string NodeAddress(JsonNode o, string type) =>
        (o["status"]?["addresses"] as JsonArray ?? []).FirstOrDefault(a => a?["type"]?.ToString() == type)?["address"]?.ToString() ?? "<none>";
}
