using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Strata.Warehouse.Snowflake.Auth;

/// <summary>
/// Key-pair authentication: a JWT signed with the user's RSA private key (RS256), as Snowflake's SQL API
/// "Using key-pair authentication" section describes. <c>iss</c> is <c>ACCOUNT.USER.SHA256:&lt;fingerprint&gt;</c>
/// (the base64 SHA-256 of the public key's DER SubjectPublicKeyInfo), <c>sub</c> is <c>ACCOUNT.USER</c>. Snowflake
/// refuses a token living longer than an hour, so each lives <see cref="Lifetime"/> and is replaced
/// <see cref="RenewBefore"/> its end; the clock is a <see cref="TimeProvider"/> so that tests can move it.
/// </summary>
public sealed class KeyPairJwtAuthenticator : SnowflakeAuthenticator, IDisposable
{
    private readonly RSA _key;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private string? _token;
    private DateTimeOffset _renewAt;

    /// <summary>Signs as <paramref name="user"/> of <paramref name="account"/> with <paramref name="privateKey"/> (owned from here on).</summary>
    public KeyPairJwtAuthenticator(string account, string user, RSA privateKey, TimeProvider clock)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(user);
        ArgumentNullException.ThrowIfNull(privateKey);
        _key = privateKey;
        _clock = clock ?? throw new ArgumentNullException(nameof(clock));
        Subject = $"{SnowflakeAccount.ForJwt(account)}.{user.Trim().ToUpperInvariant()}";
        Fingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(privateKey.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>How long a token is valid: under Snowflake's one-hour limit, with room for clock skew.</summary>
    public static TimeSpan Lifetime { get; } = TimeSpan.FromMinutes(59);

    /// <summary>How long before its end a token is replaced, so none expires in flight.</summary>
    public static TimeSpan RenewBefore { get; } = TimeSpan.FromMinutes(5);

    /// <summary><c>ACCOUNT.USER</c>, the JWT's <c>sub</c>.</summary>
    public string Subject { get; }

    /// <summary><c>SHA256:&lt;base64&gt;</c>, what <c>DESCRIBE USER</c> shows as <c>RSA_PUBLIC_KEY_FP</c>.</summary>
    public string Fingerprint { get; }

    /// <inheritdoc />
    public override string TokenType => "KEYPAIR_JWT";

    /// <summary>
    /// Reads a PEM private key (PKCS#8, PKCS#1, or encrypted PKCS#8 with <paramref name="passphrase"/>). A failure
    /// says what is wrong with the key without quoting any of it.
    /// </summary>
    /// <param name="account">The account identifier.</param>
    /// <param name="user">The Snowflake user the key is registered for.</param>
    /// <param name="pem">The private key in PEM form.</param>
    /// <param name="passphrase">The passphrase of an encrypted key, else null.</param>
    /// <param name="clock">The clock that dates the tokens.</param>
    /// <param name="source">Where the key came from, for the message (a setting or a file path, never the key).</param>
    public static KeyPairJwtAuthenticator FromPem(string account, string user, string pem, string? passphrase, TimeProvider clock, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var rsa = RSA.Create();
        try
        {
            if (pem.Contains("ENCRYPTED PRIVATE KEY", StringComparison.Ordinal))
            {
                if (string.IsNullOrEmpty(passphrase))
                {
                    throw new WarehouseException(
                        $"the Snowflake private key ({source}) is encrypted and no passphrase is set; set warehouse.private_key_passphrase (STRATA_WAREHOUSE_PRIVATE_KEY_PASSPHRASE or its _FILE)",
                        kind: WarehouseErrorKind.Permission);
                }

                rsa.ImportFromEncryptedPem(pem, passphrase);
            }
            else
            {
                rsa.ImportFromPem(pem);
            }

            return new KeyPairJwtAuthenticator(account, user, rsa, clock);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            rsa.Dispose();
            // The exception's own text may describe the key's content: it is left out of the message.
            throw new WarehouseException(
                $"the Snowflake private key ({source}) cannot be read as an RSA key in PEM form (wrong passphrase, or not a PKCS#8/PKCS#1 RSA key); generate one as docs/snowflake.md shows",
                kind: WarehouseErrorKind.Permission);
        }
        catch
        {
            rsa.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public override string Token()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (_token is null || now >= _renewAt)
            {
                _token = Issue(now);
                _renewAt = now + Lifetime - RenewBefore;
            }

            return _token;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();

    private string Issue(DateTimeOffset now)
    {
        var header = Encode("""{"alg":"RS256","typ":"JWT"}"""u8);
        using var payloadBuffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(payloadBuffer))
        {
            json.WriteStartObject();
            json.WriteString("iss", $"{Subject}.{Fingerprint}");
            json.WriteString("sub", Subject);
            json.WriteNumber("iat", now.ToUnixTimeSeconds());
            json.WriteNumber("exp", (now + Lifetime).ToUnixTimeSeconds());
            json.WriteEndObject();
        }

        var signingInput = $"{header}.{Encode(payloadBuffer.ToArray())}";
        var signature = _key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return $"{signingInput}.{Encode(signature)}";
    }

    private static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);
}
