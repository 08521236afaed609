using Npgsql;

namespace Strata.Tests.Source;

/// <summary>A published table without a key or replica identity breaks the source's own updates: init and doctor say so.</summary>
public sealed class UnfollowableTableTests() : SharedServerTest("init_nokey")
{
    [Fact]
    public async Task A_published_table_the_source_could_not_update_is_named_by_init_and_doctor()
    {
        Assert.Equal(0, (await Project.RunAsync("source", "init")).ExitCode);
        // No key and REPLICA IDENTITY DEFAULT: once published, the source's own UPDATE of it fails.
        await Server.ExecuteAsync("CREATE TABLE operations.nokey (id int, note text); INSERT INTO operations.nokey VALUES (1, 'a')", Project.Database);
        var update = await Assert.ThrowsAsync<PostgresException>(() => Server.ExecuteAsync("UPDATE operations.nokey SET note = 'b'", Project.Database));
        Assert.Equal("55000", update.SqlState);

        var init = await Project.RunAsync("source", "init");
        Assert.Equal(0, init.ExitCode);
        Assert.Contains(init.ErrorLines, l => l.StartsWith("warning: operations.nokey has no primary key or replica identity", StringComparison.Ordinal));
        Assert.False(await DoctorSaysFollowableAsync());

        await Server.ExecuteAsync("ALTER TABLE operations.nokey REPLICA IDENTITY FULL; UPDATE operations.nokey SET note = 'b'", Project.Database);
        Assert.True(await DoctorSaysFollowableAsync());
        Assert.DoesNotContain(init.ErrorLines, l => l.Contains("operations.customers", StringComparison.Ordinal));
    }

    private async Task<bool> DoctorSaysFollowableAsync()
    {
        var doctor = await Project.RunAsync("doctor", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(doctor.Output);
        return json.RootElement.GetProperty("checks").EnumerateArray()
            .Single(c => c.GetProperty("name").GetString() == "Published tables can be updated").GetProperty("ok").GetBoolean();
    }
}
