using System.Globalization;
using Orchestrator.Api;

namespace Orchestrator.Runtime.Simulated;

/// <summary>
/// How one simulated container behaves. Usually read from the pod's annotations (<see cref="SimulatedAnnotations"/>);
/// tests can compute it with <see cref="SimulatedRuntimeOptions.Behavior"/> or change it for a live container with
/// <see cref="SimulatedContainerRuntime.UpdateBehavior"/>. The defaults describe a well-behaved long-running server.
/// </summary>
public sealed record SimulatedBehavior
{
    /// <summary>A container that starts at once, runs forever, passes every probe and uses no resources.</summary>
    public static SimulatedBehavior Default { get; } = new();

    /// <summary>How long <c>StartContainer</c> takes.</summary>
    public TimeSpan StartDelay { get; init; }

    /// <summary>How long an image pull takes.</summary>
    public TimeSpan PullDelay { get; init; }

    /// <summary>When set, image pulls fail with this message.</summary>
    public string? PullError { get; init; }

    /// <summary>When set, sandbox creation fails with this message.</summary>
    public string? SandboxError { get; init; }

    /// <summary>When set, container creation fails with this message.</summary>
    public string? CreateError { get; init; }

    /// <summary>When set, container start fails with this message (exit code 128, reason <c>StartError</c>).</summary>
    public string? StartError { get; init; }

    /// <summary>When set, the process exits this long after it started, with <see cref="ExitCode"/>.</summary>
    public TimeSpan? ExitAfter { get; init; }

    /// <summary>The exit code when the process exits by itself.</summary>
    public int ExitCode { get; init; }

    /// <summary>When set, the process is OOM-killed this long after it started.</summary>
    public TimeSpan? OomAfter { get; init; }

    /// <summary>Readiness probes fail.</summary>
    public bool FailReadiness { get; init; }

    /// <summary>Readiness probes fail until the process has run this long.</summary>
    public TimeSpan ReadyAfter { get; init; }

    /// <summary>Liveness probes fail.</summary>
    public bool FailLiveness { get; init; }

    /// <summary>Liveness probes fail once the process has run this long.</summary>
    public TimeSpan? LivenessFailAfter { get; init; }

    /// <summary>Startup probes fail.</summary>
    public bool FailStartup { get; init; }

    /// <summary>Startup probes fail until the process has run this long.</summary>
    public TimeSpan StartupAfter { get; init; }

    /// <summary>CPU used, in millicores.</summary>
    public long CpuMillicores { get; init; }

    /// <summary>Memory used, in bytes.</summary>
    public long MemoryBytes { get; init; }

    /// <summary>How long the process takes to exit after the stop signal.</summary>
    public TimeSpan StopDelay { get; init; }

    /// <summary>Lines written to stdout at start.</summary>
    public IReadOnlyList<string> Logs { get; init; } = [];

    /// <summary>
    /// Reads the behaviour of container <paramref name="containerName"/> (null for pod-wide keys only) from pod
    /// annotations: <c>sim.orchestrator.io/&lt;container&gt;.&lt;key&gt;</c> wins over <c>sim.orchestrator.io/&lt;key&gt;</c>.
    /// </summary>
    /// <exception cref="FormatException">An annotation value cannot be parsed; the message names the annotation.</exception>
    public static SimulatedBehavior FromAnnotations(IReadOnlyDictionary<string, string> annotations, string? containerName)
    {
        ArgumentNullException.ThrowIfNull(annotations);
        if (!HasSimulationAnnotations(annotations)) return Default;

        string? Get(string key)
        {
            if (containerName is not null &&
                annotations.TryGetValue(string.Concat(SimulatedAnnotations.Prefix, containerName, ".", key.AsSpan(SimulatedAnnotations.Prefix.Length)), out var own))
            {
                return own;
            }
            return annotations.TryGetValue(key, out var value) ? value : null;
        }

        TimeSpan? Duration(string key) => Get(key) is { } text
            ? GoDuration.TryParse(text, out var value) ? value : throw Invalid(key, text)
            : null;
        bool Flag(string key) => Get(key) is { } text && (bool.TryParse(text, out var value) ? value : throw Invalid(key, text));
        int? Int(string key) => Get(key) is { } text
            ? int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Invalid(key, text)
            : null;
        Quantity? Amount(string key) => Get(key) is { } text
            ? Quantity.TryParse(text, out var value) ? value : throw Invalid(key, text)
            : null;

        var crashLoop = Flag(SimulatedAnnotations.CrashLoop);
        var exitAfter = Duration(SimulatedAnnotations.ExitAfter);
        var exitCode = Int(SimulatedAnnotations.ExitCode);
        var logs = Get(SimulatedAnnotations.Logs);
        return new SimulatedBehavior
        {
            StartDelay = Duration(SimulatedAnnotations.StartDelay) ?? TimeSpan.Zero,
            PullDelay = Duration(SimulatedAnnotations.PullDelay) ?? TimeSpan.Zero,
            PullError = Get(SimulatedAnnotations.PullError),
            SandboxError = Get(SimulatedAnnotations.SandboxError),
            CreateError = Get(SimulatedAnnotations.CreateError),
            StartError = Get(SimulatedAnnotations.StartError),
            ExitAfter = crashLoop ? exitAfter ?? TimeSpan.FromSeconds(1) : exitAfter,
            ExitCode = exitCode ?? (crashLoop ? 1 : 0),
            OomAfter = Duration(SimulatedAnnotations.OomAfter),
            FailReadiness = Flag(SimulatedAnnotations.FailReadiness),
            ReadyAfter = Duration(SimulatedAnnotations.ReadyAfter) ?? TimeSpan.Zero,
            FailLiveness = Flag(SimulatedAnnotations.FailLiveness),
            LivenessFailAfter = Duration(SimulatedAnnotations.LivenessFailAfter),
            FailStartup = Flag(SimulatedAnnotations.FailStartup),
            StartupAfter = Duration(SimulatedAnnotations.StartupAfter) ?? TimeSpan.Zero,
            CpuMillicores = Amount(SimulatedAnnotations.CpuUsage)?.MilliValue ?? 0,
            MemoryBytes = Amount(SimulatedAnnotations.MemoryUsage)?.Value ?? 0,
            StopDelay = Duration(SimulatedAnnotations.StopDelay) ?? TimeSpan.Zero,
            Logs = logs is null ? [] : logs.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
    }

    private static bool HasSimulationAnnotations(IReadOnlyDictionary<string, string> annotations)
    {
        foreach (var key in annotations.Keys)
        {
            if (key.StartsWith(SimulatedAnnotations.Prefix, StringComparison.Ordinal)) return true;
        }
        return false;
    }

    private static FormatException Invalid(string key, string value) =>
        new($"invalid value \"{value}\" for simulation annotation {key}");
}
