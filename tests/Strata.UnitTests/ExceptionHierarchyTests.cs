using Strata.Cli;
using Strata.Errors;
using Strata.Source;

namespace Strata.UnitTests;

public sealed class ExceptionHierarchyTests
{
    [Fact]
    public void Every_exception_Strata_defines_derives_from_the_root()
    {
        var assemblies = new[] { typeof(StrataException).Assembly, typeof(SourceService).Assembly, typeof(StrataApp).Assembly };

        var strays = assemblies.SelectMany(a => a.GetTypes())
            .Where(t => typeof(Exception).IsAssignableFrom(t) && !typeof(StrataException).IsAssignableFrom(t))
            .Select(t => t.FullName)
            .ToList();

        Assert.Empty(strays);
        Assert.Contains(typeof(SourceException), assemblies[0].GetTypes());
    }

    [Fact]
    public void Only_unreachable_servers_are_transient()
    {
        Assert.True(new SourceException("x", isTransient: true).IsTransient);
        Assert.False(new ConfigurationException("x").IsTransient);
        Assert.False(new UsageException("x").IsTransient);
        Assert.False(new MissingBinaryException("x").IsTransient);
    }
}
