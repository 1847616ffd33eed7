using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace Orchestrator.Hosting;

/// <summary>
/// Binds <typeparamref name="TOptions"/> from a configuration section when the host has an <see cref="IConfiguration"/>,
/// and does nothing otherwise (a bare <c>ServiceCollection</c> has none). Registered before any code delegate, so code
/// overrides configuration.
/// </summary>
internal sealed class ConfigurationBinding<TOptions>(IConfiguration? configuration, string sectionPath) : IConfigureOptions<TOptions>
    where TOptions : class
{
    public void Configure(TOptions options)
    {
        if (configuration is null) return;
        var section = configuration.GetSection(sectionPath);
        if (!section.Exists()) return;
        // A value that does not convert throws InvalidOperationException naming the key, e.g.
        // "Failed to convert configuration value 'x' at 'Orchestrator:NodeAgent:PodWorkers' to type 'System.Int32'."
        section.Bind(options);
    }
}
