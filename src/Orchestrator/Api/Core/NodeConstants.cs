namespace Orchestrator.Api;

/// <summary>Built-in node condition types.</summary>
public static class NodeConditionType
{
    /// <summary>The node agent is healthy and ready to accept pods.</summary>
    public const string Ready = "Ready";

    /// <summary>The node is low on memory.</summary>
    public const string MemoryPressure = "MemoryPressure";

    /// <summary>The node is low on disk.</summary>
    public const string DiskPressure = "DiskPressure";

    /// <summary>The node is low on process IDs.</summary>
    public const string PidPressure = "PIDPressure";

    /// <summary>The node's network is not configured.</summary>
    public const string NetworkUnavailable = "NetworkUnavailable";
}

/// <summary>Values of a taint's <c>effect</c>.</summary>
public static class TaintEffect
{
    /// <summary>New pods that do not tolerate the taint are not scheduled on the node.</summary>
    public const string NoSchedule = "NoSchedule";

    /// <summary>The scheduler avoids the node for pods that do not tolerate the taint.</summary>
    public const string PreferNoSchedule = "PreferNoSchedule";

    /// <summary>Also evicts running pods that do not tolerate the taint.</summary>
    public const string NoExecute = "NoExecute";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [NoSchedule, PreferNoSchedule, NoExecute];
}

/// <summary>Values of a toleration's <c>operator</c>.</summary>
public static class TolerationOperator
{
    /// <summary>The taint must have the toleration's key (if any) and value (the default).</summary>
    public const string Equal = "Equal";

    /// <summary>The taint must have the toleration's key (if any); its value does not matter.</summary>
    public const string Exists = "Exists";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [Equal, Exists];
}

/// <summary>Operators of node selector requirements.</summary>
public static class NodeSelectorOperator
{
    /// <summary>The label's value is one of the values.</summary>
    public const string In = "In";

    /// <summary>The label is absent or its value is none of the values.</summary>
    public const string NotIn = "NotIn";

    /// <summary>The label is present.</summary>
    public const string Exists = "Exists";

    /// <summary>The label is absent.</summary>
    public const string DoesNotExist = "DoesNotExist";

    /// <summary>The label's value, as an integer, is greater than the single value.</summary>
    public const string Gt = "Gt";

    /// <summary>The label's value, as an integer, is less than the single value.</summary>
    public const string Lt = "Lt";

    /// <summary>Every supported value.</summary>
    public static IReadOnlyList<string> All { get; } = [In, NotIn, Exists, DoesNotExist, Gt, Lt];
}

/// <summary>Types of node addresses.</summary>
public static class NodeAddressType
{
    /// <summary>The node's host name.</summary>
    public const string Hostname = "Hostname";

    /// <summary>An address reachable inside the cluster.</summary>
    public const string InternalIP = "InternalIP";

    /// <summary>An address reachable from outside the cluster.</summary>
    public const string ExternalIP = "ExternalIP";
}
