using Strata.Files;

namespace Strata.UnitTests;

/// <summary>Owner-only folders and files, parents included (the mode .NET takes applies to the last folder only).</summary>
public sealed class OwnerOnlyTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"strata-owner-only-{Guid.NewGuid():N}");

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void Every_folder_it_makes_is_the_owners_alone_and_an_existing_one_is_left_as_it_is()
    {
        Directory.CreateDirectory(_root);
        File.SetUnixFileMode(_root, OwnerOnly.Directory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);

        OwnerOnly.CreateDirectory(Path.Combine(_root, "state", "ingest"));

        Assert.Equal(OwnerOnly.Directory, File.GetUnixFileMode(Path.Combine(_root, "state")));
        Assert.Equal(OwnerOnly.Directory, File.GetUnixFileMode(Path.Combine(_root, "state", "ingest")));
        Assert.Equal(OwnerOnly.Directory | UnixFileMode.GroupRead | UnixFileMode.GroupExecute, File.GetUnixFileMode(_root));
    }

    [Fact]
    public void A_file_it_writes_is_the_owners_alone()
    {
        var file = Path.Combine(OwnerOnly.CreateDirectory(_root), "secret");

        OwnerOnly.WriteAllText(file, "s3cret");

        Assert.Equal(OwnerOnly.File, File.GetUnixFileMode(file));
        Assert.Equal("s3cret", File.ReadAllText(file));
    }
}
