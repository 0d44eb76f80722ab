using System.Net;
using System.Security.Cryptography.X509Certificates;
using AzureRdsFix.Simulation.Arm;
using AzureRdsFix.Simulation.Fleets;
using AzureRdsFix.Simulation.Hosting;
using AzureRdsFix.Simulation.SerialConsole;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AzureRdsFix.Simulation;

/// <summary>
/// A simulated Azure Resource Manager on https://127.0.0.1 answering the ARM calls azrdsfix makes with the wire shapes of
/// real Azure, over a fleet of VMs with simulated Windows guests. Point an ArmClient at <see cref="Endpoint"/> and trust
/// <see cref="Certificate"/> (pin it, or export it and set SSL_CERT_FILE).
/// </summary>
public sealed class SimulatedAzure : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly SimulationState _state;
    private readonly bool _ownsCertificate;
    private bool _stopped;

    private SimulatedAzure(WebApplication app, SimulationState state, X509Certificate2 certificate, bool ownsCertificate, Uri endpoint)
    {
        _app = app;
        _state = state;
        _ownsCertificate = ownsCertificate;
        Certificate = certificate;
        Endpoint = endpoint;
    }

    /// <summary>The base URL, e.g. <c>https://127.0.0.1:49152/</c>.</summary>
    public Uri Endpoint { get; }

    /// <summary>Makes a certificate like the one a simulator makes for itself (to share via <see cref="SimulationOptions.Certificate"/>).</summary>
    public static X509Certificate2 CreateCertificate() => SelfSignedCertificate.Create(TimeProvider.System);

    /// <summary>The self-signed certificate the server presents (the only one a client should accept).</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The live fleet: read guests, power states and snapshots after a run.</summary>
    public Fleet Fleet => _state.Fleet;

    /// <summary>Requests per operation, faults answered, requests per VM.</summary>
    public SimulationCounters Counters => _state.Counters;

    /// <summary>The serial console: subscription switch, guest account, live sessions, commands run.</summary>
    public SerialConsoleSimulation SerialConsole => _state.SerialConsole;

    /// <summary>The license server the fleet's guests can reach (for <c>fix --license-server</c>), if the fleet names one.</summary>
    public string? LicenseServer => _state.Fleet.LicenseServer;

    public static async Task<SimulatedAzure> StartAsync(Fleet fleet, SimulationOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        options ??= new SimulationOptions();
        var certificate = options.Certificate ?? SelfSignedCertificate.Create(options.Time);
        var ownsCertificate = options.Certificate is null;
        var state = new SimulationState(fleet, options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().UseKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var pipeline = new ArmPipeline(state);
        var serialConsole = new SerialConsoleEndpoint(state, state.SerialConsole);
        app.UseWebSockets(new WebSocketOptions());
        app.Run(context => SerialConsoleEndpoint.Handles(context) ? serialConsole.HandleAsync(context) : pipeline.HandleAsync(context));
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            if (ownsCertificate)
            {
                certificate.Dispose();
            }

            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(address).Port;
        return new SimulatedAzure(app, state, certificate, ownsCertificate, new Uri($"https://127.0.0.1:{port}/"));
    }

    /// <summary>Writes the certificate as PEM, for SSL_CERT_FILE (a client in another process trusts it through that).</summary>
    public void ExportCertificatePem(string path) => File.WriteAllText(path, Certificate.ExportCertificatePem() + "\n");

    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        await _app.DisposeAsync();
        if (_ownsCertificate)
        {
            Certificate.Dispose();
        }
    }
}
