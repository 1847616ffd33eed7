using Microsoft.Extensions.Options;

namespace Orchestrator.Hosting;

/// <summary>
/// Validates <see cref="OrchestratorOptions"/> when the host starts. Each failure names the configuration key, the value
/// and why it is wrong, so that a typo in <c>appsettings.json</c> is found before anything runs.
/// </summary>
internal sealed class OrchestratorOptionsValidator : IValidateOptions<OrchestratorOptions>
{
    private const string Section = OrchestratorOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, OrchestratorOptions options)
    {
        var errors = new OptionErrors(Section);
        if (options.Store is null) errors.Add("Store", "must be set");
        else
        {
            var store = options.Store;
            errors.AtLeast("Store:WatchHistorySize", store.WatchHistorySize, 1, "it is how many changes of each kind watches can resume from");
            errors.AtLeast("Store:WatchBufferSize", store.WatchBufferSize, 1, "it is how far a watcher may fall behind before it is failed");
            errors.Positive("Store:BookmarkInterval", store.BookmarkInterval, "bookmarks are sent this often");
        }

        if (options.NodeAgent is null) errors.Add("NodeAgent", "must be set");
        else
        {
            var agent = options.NodeAgent;
            errors.Positive("NodeAgent:HeartbeatInterval", agent.HeartbeatInterval, "node agents post their node's status this often");
            errors.Positive("NodeAgent:BackOffBase", agent.BackOffBase, "it is the first delay before a crashed container is restarted");
            if (agent.BackOffMax < agent.BackOffBase)
            {
                errors.Add("NodeAgent:BackOffMax",
                    $"must be at least NodeAgent:BackOffBase ({agent.BackOffBase}), but is {agent.BackOffMax}: the restart delay doubles from the base up to this maximum");
            }
            errors.Positive("NodeAgent:BackOffReset", agent.BackOffReset, "a container running this long has its restart back-off reset");
            errors.Positive("NodeAgent:ResyncInterval", agent.ResyncInterval, "every pod is re-synchronised this often");
            errors.Positive("NodeAgent:ConfigRetryInterval", agent.ConfigRetryInterval, "containers waiting for a ConfigMap or Secret retry this often");
            if (agent.StatusUpdateInterval < TimeSpan.Zero)
            {
                errors.Add("NodeAgent:StatusUpdateInterval", $"must not be negative, but is {agent.StatusUpdateInterval}");
            }
            errors.AtLeast("NodeAgent:PodWorkers", agent.PodWorkers, 1, "it is how many pods are synchronised at once");
            errors.AtLeast("NodeAgent:ProbeWorkers", agent.ProbeWorkers, 1, "it is how many probes run at once");
            errors.AtLeast("NodeAgent:MaxImagesInNodeStatus", agent.MaxImagesInNodeStatus, 0, "it is a count of images");
            if (string.IsNullOrWhiteSpace(agent.ClusterDomain))
            {
                errors.Add("NodeAgent:ClusterDomain", "must not be empty: it is the DNS domain of the cluster, normally cluster.local");
            }
        }

        if (options.Client is null) errors.Add("Client", "must be set");
        else
        {
            var client = options.Client;
            errors.Positive("Client:DefaultTimeout", client.DefaultTimeout, "wait helpers called without a timeout wait this long");
            errors.AtLeast("Client:DiagnosticLogLines", client.DiagnosticLogLines, 0, "it is how many log lines a failed wait quotes");
            errors.AtLeast("Client:DiagnosticEvents", client.DiagnosticEvents, 0, "it is how many events a failed wait quotes");
            errors.AtLeast("Client:DiagnosticPods", client.DiagnosticPods, 0, "it is how many pods a failed wait describes");
            errors.Positive("Client:DiagnosticLogTimeout", client.DiagnosticLogTimeout, "reading logs for a failed wait is given up after this long");
        }
        return errors.Result();
    }
}

/// <summary>Collects option failures as <c>Section:Key must ..., but is ...: why</c>.</summary>
internal sealed class OptionErrors(string section)
{
    private readonly List<string> _errors = [];

    public void Add(string key, string problem) => _errors.Add($"{section}:{key} {problem}.");

    public void Positive(string key, TimeSpan value, string why)
    {
        if (value <= TimeSpan.Zero) Add(key, $"must be greater than zero, but is {value}: {why}");
    }

    public void AtLeast(string key, int value, int minimum, string why)
    {
        if (value < minimum) Add(key, $"must be at least {minimum}, but is {value}: {why}");
    }

    public ValidateOptionsResult Result() => _errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_errors);
}
