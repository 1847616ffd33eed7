using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orchestrator.ApiServer.Http;
using Orchestrator.Client;
using Orchestrator.Store;

namespace Orchestrator.ApiServer.Hosting;

/// <summary>Runs Kestrel with the API request handler for the lifetime of the application host.</summary>
internal sealed partial class ApiServerHost : IHostedService, IApiServer, IAsyncDisposable
{
    private readonly IServiceProvider _services;
    private readonly ApiServerOptions _options;
    private readonly ILogger<ApiServerHost> _logger;
    private WebApplication? _app;
    private X509Certificate2? _certificate;
    private Uri? _address;
    private bool _deleteKubeconfig;

    public ApiServerHost(IServiceProvider services, IOptions<ApiServerOptions> options, ILogger<ApiServerHost>? logger = null)
    {
        _services = services;
        _options = options.Value;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<ApiServerHost>.Instance;
        Token = _options.Token ?? Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant();
    }

    public Uri Address => _address ?? throw new InvalidOperationException("The API server has not started.");

    public string Token { get; }

    public string? KubeconfigPath { get; private set; }

    public string? CertificatePem { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_options.UseTls)
        {
            _certificate = SelfSignedCertificate.Create(_services.GetRequiredService<TimeProvider>());
            CertificatePem = _certificate.ExportCertificatePem();
        }
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Parse(_options.BindAddress), _options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                if (_certificate is not null) listen.UseHttps(_certificate);
            });
        });
        _app = builder.Build();
        var handler = new ApiRequestHandler(
            _services.GetRequiredService<IObjectStore>(),
            _services.GetService<IOrchestratorClient>(),
            _services.GetRequiredService<TimeProvider>(),
            Token,
            _options.GitVersion,
            _options.AllowAnonymous);
        _app.UseWebSockets();
        _app.Run(handler.HandleAsync);
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);

        var bound = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _address = new Uri(bound.Replace("[::]", "127.0.0.1", StringComparison.Ordinal));
        if (_options.WriteKubeconfig)
        {
            _deleteKubeconfig = _options.KubeconfigPath is null;
            KubeconfigPath = _options.KubeconfigPath ?? Path.Combine(Path.GetTempPath(), $"orchestrator-{Environment.ProcessId}-{_address.Port}.kubeconfig");
            Kubeconfig.Write(KubeconfigPath, _options.ContextName, _address, Token, CertificatePem);
        }
        LogStarted(_address, KubeconfigPath);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_app is not null) await _app.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_deleteKubeconfig && KubeconfigPath is not null)
        {
            try { File.Delete(KubeconfigPath); }
            catch (IOException) { /* best effort: a temporary file */ }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null) await _app.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Kubernetes API listening on {Address}; kubeconfig {KubeconfigPath}")]
    private partial void LogStarted(Uri address, string? kubeconfigPath);
}
