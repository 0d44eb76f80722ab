using System.Globalization;
using System.Text;
using System.Text.Json;

namespace AzureRdsFix.Azure.Connection;

/// <summary>
/// Watches the run's access token: the first time it is found expired (by its own expiry before a call, or by ARM's
/// 401 ExpiredAuthenticationToken), <see cref="Stop"/> is told once, so the run ends with one sentence instead of a 401
/// per remaining call.
/// </summary>
public sealed class AccessTokenExpiry
{
    private readonly Lock _sync = new();
    private Action<string>? _stop;

    /// <summary>The sentence for the operator once the token expired; null while it is valid.</summary>
    public string? Message { get; private set; }

    public bool Expired => Message is not null;

    /// <summary>Called once with the sentence when the token expires.</summary>
    public void OnExpired(Action<string> stop)
    {
        lock (_sync)
        {
            _stop = stop;
        }
    }

    public void Report(string message)
    {
        Action<string>? stop;
        lock (_sync)
        {
            if (Message is not null)
            {
                return;
            }

            Message = message;
            stop = _stop;
        }

        stop?.Invoke(message);
    }
}

/// <summary>What a bearer token says about its own expiry.</summary>
public static class AccessTokens
{
    /// <summary>
    /// The <c>exp</c> claim of a JWT (RFC 7519 §4.1.4: seconds since 1970-01-01 UTC), or null when the token is not a JWT
    /// or has no readable <c>exp</c>. Only the payload is decoded; the signature is ARM's business.
    /// </summary>
    public static DateTimeOffset? ReadJwtExpiry(string token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var parts = token.Split('.');
        if (parts.Length != 3 || parts[1].Length == 0)
        {
            return null;
        }

        try
        {
            var payload = parts[1].Replace('-', '+').Replace('_', '/');
            payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
            using var document = JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload)));
            if (document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("exp", out var exp)
                && exp.ValueKind == JsonValueKind.Number
                && exp.TryGetInt64(out var seconds))
            {
                return DateTimeOffset.FromUnixTimeSeconds(seconds);
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or ArgumentException)
        {
            // Not a JWT after all.
        }

        return null;
    }

    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
