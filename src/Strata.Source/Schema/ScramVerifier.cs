using System.Security.Cryptography;
using System.Text;

namespace Strata.Source.Schema;

/// <summary>
/// Builds a SCRAM-SHA-256 password verifier on the client, as psql's <c>\password</c> does,
/// so that a plain password never travels in SQL text (where a failed statement would log it).
/// </summary>
internal static class ScramVerifier
{
    private const int Iterations = 4096;

    /// <summary>The verifier PostgreSQL stores, <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c> (RFC 5803).</summary>
    /// <remarks>Generated passwords are ASCII, for which SASLprep changes nothing.</remarks>
    public static string Create(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
