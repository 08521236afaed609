using Strata.Source.Local;

namespace Strata.UnitTests;

/// <summary>The line of initdb's and pg_ctl's output an error quotes: the error itself, not a progress line.</summary>
public sealed class ServerOutputTests
{
    [Fact]
    public void Initdb_s_error_on_stderr_wins_over_its_progress_on_stdout()
    {
        const string stderr = """
            initdb: error: directory "/var/lib/strata/clusters/x/data" exists but is not empty
            initdb: hint: If you want to create a new database system, either remove or empty the directory "/var/lib/strata/clusters/x/data" or run initdb with an argument other than "/var/lib/strata/clusters/x/data".
            """;
        const string stdout = "The files belonging to this database system will be owned by user \"postgres\".\nData page checksums are disabled.\n";

        Assert.Equal("initdb: error: directory \"/var/lib/strata/clusters/x/data\" exists but is not empty", LocalCluster.LastMeaningfulLine(stderr, stdout));
    }

    [Fact]
    public void A_fatal_line_of_the_server_log_explains_a_pg_ctl_failure()
    {
        const string log = "LOG:  starting PostgreSQL 15\nFATAL:  could not create lock file \"/run/postgresql/.s.PGSQL.5432.lock\": Permission denied\nLOG:  database system is shut down\n";

        Assert.Equal("FATAL:  could not create lock file \"/run/postgresql/.s.PGSQL.5432.lock\": Permission denied", LocalCluster.LastMeaningfulLine("pg_ctl: could not start server\n", log));
        Assert.Equal("pg_ctl: could not start server", LocalCluster.LastMeaningfulLine("pg_ctl: could not start server\n", ""));
        Assert.Equal("no output", LocalCluster.LastMeaningfulLine("", ""));
    }
}
