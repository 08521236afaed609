using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Strata.Warehouse;
using Strata.Warehouse.Snowflake.Auth;

namespace Strata.UnitTests.Snowflake;

/// <summary>
/// Key-pair authentication as the SQL API's "Using key-pair authentication" section describes it: the JWT's claims,
/// its RS256 signature checked against the public key, its lifetime under an hour and its renewal on the clock.
/// </summary>
public sealed class KeyPairJwtTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void The_token_names_the_account_without_region_and_the_user_in_upper_case_with_the_key_fingerprint()
    {
        using var key = RSA.Create(2048);
        using var jwt = new KeyPairJwtAuthenticator("xy12345.us-east-1", "strata_loader", CloneOf(key), new FakeTimeProvider(Start));

        var (header, claims, _, _) = Decode(jwt.Token());

        var expectedFingerprint = "SHA256:" + Convert.ToBase64String(SHA256.HashData(key.ExportSubjectPublicKeyInfo()));
        Assert.Equal("RS256", header.GetProperty("alg").GetString());
        Assert.Equal("JWT", header.GetProperty("typ").GetString());
        Assert.Equal($"XY12345.STRATA_LOADER.{expectedFingerprint}", claims.GetProperty("iss").GetString());
        Assert.Equal("XY12345.STRATA_LOADER", claims.GetProperty("sub").GetString());
        Assert.Equal(Start.ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        var lifetime = claims.GetProperty("exp").GetInt64() - claims.GetProperty("iat").GetInt64();
        Assert.InRange(lifetime, 1, 3600);
        Assert.Equal("KEYPAIR_JWT", jwt.TokenType);
    }

    [Fact]
    public void The_signature_verifies_with_the_public_key_and_fails_with_another()
    {
        using var key = RSA.Create(2048);
        using var other = RSA.Create(2048);
        using var jwt = new KeyPairJwtAuthenticator("myorg-account1", "u", CloneOf(key), new FakeTimeProvider(Start));

        var (_, _, signingInput, signature) = Decode(jwt.Token());

        using var publicOnly = RSA.Create();
        publicOnly.ImportSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        Assert.True(publicOnly.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
        Assert.False(other.VerifyData(Encoding.ASCII.GetBytes(signingInput), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    [Fact]
    public void The_token_is_kept_until_shortly_before_it_expires_then_replaced()
    {
        using var key = RSA.Create(2048);
        var clock = new FakeTimeProvider(Start);
        using var jwt = new KeyPairJwtAuthenticator("xy12345", "u", CloneOf(key), clock);

        var first = jwt.Token();
        clock.Advance(KeyPairJwtAuthenticator.Lifetime - KeyPairJwtAuthenticator.RenewBefore - TimeSpan.FromSeconds(1));
        Assert.Equal(first, jwt.Token());

        clock.Advance(TimeSpan.FromSeconds(1));
        var second = jwt.Token();
        Assert.NotEqual(first, second);
        var (_, claims, _, _) = Decode(second);
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds(), claims.GetProperty("iat").GetInt64());
        Assert.True(DateTimeOffset.FromUnixTimeSeconds(claims.GetProperty("exp").GetInt64()) > clock.GetUtcNow() + KeyPairJwtAuthenticator.RenewBefore);
    }

    [Fact]
    public void An_encrypted_key_reads_with_its_passphrase_and_fails_in_one_line_without_it_or_with_a_wrong_one()
    {
        using var key = RSA.Create(2048);
        const string passphrase = "correct horse battery staple";
        var pem = key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000));
        var clock = new FakeTimeProvider(Start);

        using (var jwt = KeyPairJwtAuthenticator.FromPem("xy12345", "u", pem, passphrase, clock, "warehouse.private_key_file"))
        {
            Assert.StartsWith("SHA256:", jwt.Fingerprint, StringComparison.Ordinal);
        }

        var missing = Assert.Throws<WarehouseException>(() => KeyPairJwtAuthenticator.FromPem("xy12345", "u", pem, null, clock, "warehouse.private_key_file"));
        var wrong = Assert.Throws<WarehouseException>(() => KeyPairJwtAuthenticator.FromPem("xy12345", "u", pem, "not it", clock, "warehouse.private_key_file"));
        foreach (var error in new[] { missing, wrong })
        {
            Assert.Equal(WarehouseErrorKind.Permission, error.Kind);
            Assert.DoesNotContain('\n', error.Message);
            Assert.DoesNotContain(passphrase, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain(pem.Split('\n')[1], error.Message, StringComparison.Ordinal);
            Assert.Contains("warehouse.private_key_file", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void An_authenticator_prints_its_kind_never_its_secret()
    {
        var token = StaticTokenAuthenticator.ProgrammaticAccessToken("pat-secret-value");
        using var key = RSA.Create(2048);
        using var jwt = new KeyPairJwtAuthenticator("xy12345", "u", CloneOf(key), TimeProvider.System);

        Assert.Equal("PROGRAMMATIC_ACCESS_TOKEN authentication", token.ToString());
        Assert.Equal("OAUTH", StaticTokenAuthenticator.OAuth("t").TokenType);
        Assert.DoesNotContain(jwt.Token(), jwt.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("xy12345.us-east-1", "XY12345", "https://xy12345.us-east-1.snowflakecomputing.com/")]
    [InlineData("xy12345.us-east-2.aws", "XY12345", "https://xy12345.us-east-2.aws.snowflakecomputing.com/")]
    [InlineData("MyOrg-Account1", "MYORG-ACCOUNT1", "https://myorg-account1.snowflakecomputing.com/")]
    [InlineData("myorg-account1.snowflakecomputing.com", "MYORG-ACCOUNT1", "https://myorg-account1.snowflakecomputing.com/")]
    public void Account_identifiers_become_the_JWT_name_and_the_URL(string account, string forJwt, string url)
    {
        Assert.Equal(forJwt, SnowflakeAccount.ForJwt(account));
        Assert.Equal(url, SnowflakeAccount.BaseUrl(account).ToString());
    }

    // The authenticator owns (and disposes) the key it is given; the test keeps its own copy to check against.
    private static RSA CloneOf(RSA key)
    {
        var copy = RSA.Create();
        copy.ImportParameters(key.ExportParameters(includePrivateParameters: true));
        return copy;
    }

    private static (JsonElement Header, JsonElement Claims, string SigningInput, byte[] Signature) Decode(string token)
    {
        var parts = token.Split('.');
        Assert.Equal(3, parts.Length);
        return (
            JsonDocument.Parse(Base64Url.DecodeFromChars(parts[0])).RootElement.Clone(),
            JsonDocument.Parse(Base64Url.DecodeFromChars(parts[1])).RootElement.Clone(),
            $"{parts[0]}.{parts[1]}",
            Base64Url.DecodeFromChars(parts[2]));
    }
}
