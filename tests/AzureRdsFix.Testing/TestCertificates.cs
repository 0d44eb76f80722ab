using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AzureRdsFix.Testing;

/// <summary>Self-signed TLS certificates for loopback test servers (localhost and 127.0.0.1).</summary>
public static class TestCertificates
{
    public static X509Certificate2 CreateLoopback(string subject = "CN=localhost")
    {
        // RSA, not ECDSA: WireMock serializes its settings with Newtonsoft.Json, which reads X509Certificate2.PrivateKey,
        // and that getter only supports RSA/DSA keys.
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));

        // Round-trip through PFX so the private key is a persisted, exportable key that Kestrel's SslStream can use.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null, X509KeyStorageFlags.Exportable);
    }
}
