using Strata.Configuration;
using Strata.Infra;
using Strata.Secrets;

namespace Strata.Source.Schema;

/// <summary>
/// Turns what <see cref="SourceCatalog"/> found into the changes the source needs, in the order they must run: the
/// schema and its tables, the CDC login and its privileges, the slot-owners table, the publication. The lines are
/// those <c>strata source init</c> has always printed.
/// </summary>
internal sealed class SourcePlanner(SourceSettings settings, SourceCatalog catalog, Func<string?> cdcPassword, SecretStore secrets)
{
    private string SchemaName => settings.Schema;

    private string Role => Sql.Identifier(settings.CdcUser);

    public Task PlanAsync(List<PlannedChange> changes, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        PlanSchema(changes);
        PlanCdcRole(changes);
        PlanSlotOwners(changes);
        PlanPublication(changes);
        return Task.CompletedTask;
    }

    private void PlanSchema(List<PlannedChange> changes)
    {
        var schema = Sql.Identifier(SchemaName);
        if (!catalog.SchemaExists)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Create, $"schema {SchemaName}", $"created schema {SchemaName}", [$"CREATE SCHEMA {schema}"]));
        }

        foreach (var (table, create) in SourceTables.CreateStatements(schema))
        {
            if (!catalog.Tables.Contains(table))
            {
                changes.Add(SourceInitializer.Change(ChangeAction.Create, $"table {SchemaName}.{table}", $"created table {SchemaName}.{table}", [create]));
            }

            if (!catalog.FullReplicaIdentity.Contains(table))
            {
                changes.Add(SourceInitializer.Change(ChangeAction.Alter, $"table {SchemaName}.{table} (REPLICA IDENTITY FULL)", $"set REPLICA IDENTITY FULL on {SchemaName}.{table}",
                    [$"ALTER TABLE {Sql.Qualified(SchemaName, table)} REPLICA IDENTITY FULL"]));
            }
        }

        foreach (var (name, table, columns) in SourceTables.Indexes)
        {
            if (!catalog.Indexes.Contains(name))
            {
                changes.Add(SourceInitializer.Change(ChangeAction.Create, $"index {SchemaName}.{name}", $"created index {SchemaName}.{name}",
                    [$"CREATE INDEX {Sql.Identifier(name)} ON {Sql.Qualified(SchemaName, table)} ({columns})"]));
            }
        }
    }

    private void PlanCdcRole(List<PlannedChange> changes)
    {
        var user = settings.CdcUser;
        if (!catalog.RoleExists)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Create, $"role {user} (LOGIN REPLICATION)",
                $"created CDC login {user} (password in the secret store or {Settings.SourceCdcPassword.EnvironmentVariable})",
                [WithPassword($"CREATE ROLE {Role} LOGIN REPLICATION")]));
        }
        else
        {
            if (!catalog.RoleCanLoginAndReplicate)
            {
                changes.Add(SourceInitializer.Change(ChangeAction.Alter, $"role {user} (LOGIN REPLICATION)", $"gave {user} LOGIN and REPLICATION",
                    [$"ALTER ROLE {Role} LOGIN REPLICATION"]));
            }

            if (cdcPassword() is null)
            {
                // The role exists but nobody told us its password: give it a new one we keep.
                changes.Add(SourceInitializer.Change(ChangeAction.Alter, $"role {user} (a new password, kept in the secret store)",
                    $"set a new password for {user} (kept in the secret store)", [WithPassword($"ALTER ROLE {Role}")]) with { LocalOnly = true });
            }

            foreach (var (table, privilege) in catalog.ExtraTablePrivileges)
            {
                changes.Add(SourceInitializer.Change(ChangeAction.Revoke, $"{privilege} on table {SchemaName}.{table} from {user}", $"revoked {privilege} on {SchemaName}.{table} from {user}",
                    [$"REVOKE {privilege} ON {Sql.Qualified(SchemaName, table)} FROM {Role}"]));
            }
        }

        if (!catalog.HasConnect)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Grant, $"CONNECT on database {settings.Database} to {user}", $"granted CONNECT on {settings.Database} to {user}",
                [$"GRANT CONNECT ON DATABASE {Sql.Identifier(settings.Database)} TO {Role}"]));
        }

        if (!catalog.HasSchemaUsage)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Grant, $"USAGE on schema {SchemaName} to {user}", $"granted USAGE on schema {SchemaName} to {user}",
                [$"GRANT USAGE ON SCHEMA {Sql.Identifier(SchemaName)} TO {Role}"]));
        }

        foreach (var table in SourceTables.Names.Where(t => !catalog.SelectableTables.Contains(t)))
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Grant, $"SELECT on table {SchemaName}.{table} to {user}", $"granted SELECT on {SchemaName}.{table} to {user}",
                [$"GRANT SELECT ON {Sql.Qualified(SchemaName, table)} TO {Role}"]));
        }

        // Tables added to the schema later are published too (FOR TABLES IN SCHEMA), so the CDC login may read them.
        if (!catalog.HasDefaultSelect)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Grant, $"SELECT on future tables of {SchemaName} to {user}", $"granted SELECT on future tables of {SchemaName} to {user}",
                [$"ALTER DEFAULT PRIVILEGES IN SCHEMA {Sql.Identifier(SchemaName)} GRANT SELECT ON TABLES TO {Role}"]));
        }
    }

    private void PlanSlotOwners(List<PlannedChange> changes)
    {
        if (!catalog.SlotTableExists)
        {
            List<InfraStatement> statements = catalog.SlotSchemaExists ? [] : [$"CREATE SCHEMA {SlotOwnersTable.Schema}"];
            statements.Add(SlotOwnersTable.Create);
            changes.Add(SourceInitializer.Change(ChangeAction.Create, $"table {SlotOwnersTable.Qualified}",
                $"created {SlotOwnersTable.Qualified} (which warehouse owns each replication slot)", statements));
        }

        if (!catalog.SlotTableWritable)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Grant, $"SELECT, INSERT, UPDATE on table {SlotOwnersTable.Qualified} to {settings.CdcUser}",
                $"let {settings.CdcUser} record slot owners in {SlotOwnersTable.Qualified}",
                [$"GRANT USAGE ON SCHEMA {SlotOwnersTable.Schema} TO {Role}", $"GRANT SELECT, INSERT, UPDATE ON {SlotOwnersTable.Qualified} TO {Role}"]));
        }
    }

    private void PlanPublication(List<PlannedChange> changes)
    {
        var publication = Sql.Identifier(settings.Publication);
        if (!catalog.PublicationExists)
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Create, $"publication {settings.Publication} (FOR TABLES IN SCHEMA {SchemaName})",
                $"created publication {settings.Publication} for the tables of schema {SchemaName}",
                [$"CREATE PUBLICATION {publication} FOR TABLES IN SCHEMA {Sql.Identifier(SchemaName)}"]));
            return;
        }

        foreach (var table in SourceTables.Names.Where(t => !catalog.PublishedTables.Contains(t)))
        {
            changes.Add(SourceInitializer.Change(ChangeAction.Alter, $"publication {settings.Publication} (add {SchemaName}.{table})",
                $"added {SchemaName}.{table} to publication {settings.Publication}",
                [$"ALTER PUBLICATION {publication} ADD TABLE {Sql.Qualified(SchemaName, table)}"]));
        }
    }

    /// <summary>
    /// The password is read (or generated and kept) when the statement runs, and only its SCRAM verifier is sent:
    /// the plan shows where it comes from, never a password.
    /// </summary>
    private InfraStatement WithPassword(string statement) => new(
        $"{statement} PASSWORD '<SCRAM verifier of the password in the secret store>'",
        () => $"{statement} PASSWORD {Sql.Literal(ScramVerifier.Create(cdcPassword() ?? secrets.GetOrCreate(SourceInitializer.CdcSecretName)))}");
}
