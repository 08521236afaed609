using System.Globalization;
using System.Text.Json;
using Strata.Source.Local;
using Strata.Testing;

namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// <c>STRATA_WAREHOUSE_ENGINE=snowflake strata doctor</c> as a user runs it: one clear row when the account cannot be
/// reached, the access checks when it can, and every request tagged with the command that sent it.
/// </summary>
public sealed class SnowflakeDoctorTests
{
    private const string Token = "pat-secret-7f3a";

    [Fact]
    public async Task An_unreachable_account_is_one_failed_check_naming_host_and_port_and_never_the_token()
    {
        var port = FreePort.Find();
        var project = SnowflakeProject(new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}"));

        var doctor = await project.RunAsync("doctor", "--json");

        Assert.Equal(1, doctor.ExitCode);
        var warehouse = Check(doctor, "warehouse");
        Assert.False(warehouse.GetProperty("ok").GetBoolean());
        Assert.StartsWith($"cannot reach Snowflake at 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)} ", warehouse.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, doctor.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_reachable_account_passes_the_access_checks_and_every_request_is_tagged_with_the_command()
    {
        await using var account = await FakeSnowflakeAccount.StartAsync(request => SnowflakeAccessTests.Answer(request, compute: "STRATA_WH", autoResume: "true", mayCreate: true));
        var project = SnowflakeProject(account.Server.BaseUrl);

        var doctor = await project.RunAsync("doctor", "--json");

        foreach (var name in new[] { "warehouse", "snowflake role", "compute warehouse", "schema privileges" })
        {
            Assert.True(Check(doctor, name).GetProperty("ok").GetBoolean(), $"{name}: {doctor}");
        }

        Assert.NotEmpty(account.Server.Submissions);
        Assert.All(account.Server.Submissions, s => Assert.Equal("strata:doctor", s.Body!.Value.GetProperty("parameters").GetProperty("QUERY_TAG").GetString()));
        Assert.DoesNotContain(Token, doctor.All, StringComparison.Ordinal);
    }

    private static TestProject SnowflakeProject(Uri baseUrl, [System.Runtime.CompilerServices.CallerMemberName] string name = "")
    {
        var project = TestProject.Empty(name);
        FakeSnowflakeAccount.UseIn(project.Environment, baseUrl, Token);
        return project;
    }

    private static JsonElement Check(CliResult doctor, string name)
    {
        using var json = JsonDocument.Parse(doctor.Output);
        return json.RootElement.GetProperty("checks").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name).Clone();
    }
}
