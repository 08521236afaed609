using System.Security.Cryptography;
using Strata.Errors;

namespace Strata.Secrets;

/// <summary>Secrets Strata generates or the user keeps locally: one file each under <c>.strata/secrets/</c>, mode 0600.</summary>
public sealed class SecretStore
{
    /// <summary>Creates a store over <paramref name="directory"/> (created on first write).</summary>
    public SecretStore(string directory) => Directory = directory;

    /// <summary>The folder holding one file per secret.</summary>
    public string Directory { get; }

    /// <summary>The path of the file for <paramref name="name"/>.</summary>
    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Reads a secret, or null when the store has none by that name.</summary>
    public string? Read(string name)
    {
        var path = PathOf(name);
        return File.Exists(path) ? File.ReadAllText(path).TrimEnd('\r', '\n') : null;
    }

    /// <summary>Writes a secret readable by its owner only.</summary>
    public void Write(string name, string value)
    {
        try
        {
            // Created owner-only with its missing parents (.strata); an existing folder is made owner-only too.
            Files.OwnerOnly.CreateDirectory(Directory);
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(Directory, Files.OwnerOnly.Directory);
            }

            var path = PathOf(name);
            var temporary = path + ".tmp";
            Files.OwnerOnly.WriteAllText(temporary, value);
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigurationException($"cannot write the secret store {Directory}: {ex.Message}; make the folder writable for this user", ex);
        }
    }

    /// <summary>Returns the named secret, generating and storing a random one first when missing.</summary>
    public string GetOrCreate(string name)
    {
        if (Read(name) is { Length: > 0 } existing)
        {
            return existing;
        }

        var generated = Generate();
        Write(name, generated);
        return generated;
    }

    /// <summary>A random password of 32 URL-safe characters (no quoting needed in connection strings or SQL).</summary>
    public static string Generate() =>
        RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 32);
}
