namespace Orchestrator.Runtime.Simulated;

/// <summary>
/// The pod annotations that program the simulated runtime, in the spirit of Nomad's mock driver: a pod manifest says
/// how its containers behave. Each key applies to every container of the pod; <c>sim.orchestrator.io/&lt;container&gt;.&lt;key&gt;</c>
/// overrides it for one container (for example <c>sim.orchestrator.io/worker.exit-code: "3"</c>).
/// Durations use Go syntax (<c>500ms</c>, <c>2s</c>, <c>1m30s</c>); quantities use Kubernetes syntax (<c>250m</c>, <c>64Mi</c>).
/// An annotation with an unparsable value makes container creation fail with a message naming it
/// (<c>CreateContainerError</c>).
/// </summary>
/// <example>
/// <code>
/// metadata:
///   annotations:
///     sim.orchestrator.io/start-delay: 2s      # StartContainer takes 2 s
///     sim.orchestrator.io/exit-after: 5s       # the process ends 5 s after it started ...
///     sim.orchestrator.io/exit-code: "1"       # ... with exit code 1
///     sim.orchestrator.io/web.fail-readiness: "true"
/// </code>
/// </example>
public static class SimulatedAnnotations
{
    /// <summary>The prefix of every simulation annotation.</summary>
    public const string Prefix = "sim.orchestrator.io/";

    /// <summary>Duration <c>StartContainer</c> takes before the process runs.</summary>
    public const string StartDelay = Prefix + "start-delay";

    /// <summary>Duration after which the running process exits by itself (with <see cref="ExitCode"/>); unset runs forever.</summary>
    public const string ExitAfter = Prefix + "exit-after";

    /// <summary>The exit code of a process that exits by itself; default 0.</summary>
    public const string ExitCode = Prefix + "exit-code";

    /// <summary><c>true</c>: every start fails soon, like a crash-looping program: exits after <see cref="ExitAfter"/> (default 1s) with <see cref="ExitCode"/> (default 1).</summary>
    public const string CrashLoop = Prefix + "crash-loop";

    /// <summary>Duration after which the process is killed for exceeding its memory (exit 137, reason <c>OOMKilled</c>).</summary>
    public const string OomAfter = Prefix + "oom-after";

    /// <summary>A message: <c>StartContainer</c> fails with it (reason <c>StartError</c>, exit code 128).</summary>
    public const string StartError = Prefix + "start-error";

    /// <summary>A message: <c>CreateContainer</c> fails with it (<c>CreateContainerError</c>).</summary>
    public const string CreateError = Prefix + "create-error";

    /// <summary>A message: pulling any image of the pod fails with it (<c>ErrImagePull</c>). Pod-wide only.</summary>
    public const string PullError = Prefix + "pull-error";

    /// <summary>Duration an image pull takes. Pod-wide only.</summary>
    public const string PullDelay = Prefix + "pull-delay";

    /// <summary>A message: creating the pod's sandbox fails with it. Pod-wide only.</summary>
    public const string SandboxError = Prefix + "sandbox-error";

    /// <summary><c>true</c>: readiness probes fail.</summary>
    public const string FailReadiness = Prefix + "fail-readiness";

    /// <summary>Duration after start during which readiness probes fail (a slow warm-up).</summary>
    public const string ReadyAfter = Prefix + "ready-after";

    /// <summary><c>true</c>: liveness probes fail.</summary>
    public const string FailLiveness = Prefix + "fail-liveness";

    /// <summary>Duration after start from which liveness probes fail (a process that hangs).</summary>
    public const string LivenessFailAfter = Prefix + "liveness-fail-after";

    /// <summary><c>true</c>: startup probes fail.</summary>
    public const string FailStartup = Prefix + "fail-startup";

    /// <summary>Duration after start during which startup probes fail (a slow start).</summary>
    public const string StartupAfter = Prefix + "startup-after";

    /// <summary>CPU the container uses, as a quantity (<c>250m</c>), reported by <see cref="IContainerStats"/>.</summary>
    public const string CpuUsage = Prefix + "cpu-usage";

    /// <summary>Memory the container uses (<c>64Mi</c>); above the container's memory limit it is OOM-killed right after start.</summary>
    public const string MemoryUsage = Prefix + "memory-usage";

    /// <summary>Duration the process takes to exit after the stop signal; longer than the grace period means it is killed (137).</summary>
    public const string StopDelay = Prefix + "stop-delay";

    /// <summary>Lines (separated by newlines) the container writes to stdout when it starts.</summary>
    public const string Logs = Prefix + "logs";
}
