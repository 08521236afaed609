using Npgsql;

namespace Strata.Source.Connection;

/// <summary>Short forms for the one-value queries and statements the source code runs.</summary>
public static class NpgsqlConnectionExtensions
{
    /// <summary>Runs <paramref name="sql"/> with positional parameters <c>$1, $2, …</c> and returns the first value, or default.</summary>
    public static async Task<T?> ScalarAsync<T>(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var result = await command.ExecuteScalarAsync(cancellationToken);
        return result is null or DBNull ? default : (T)result;
    }

    /// <summary>True when <paramref name="sql"/> returns a row.</summary>
    public static async Task<bool> ExistsAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params object[] parameters) =>
        await connection.ScalarAsync<object>(sql, cancellationToken, parameters) is not null;

    /// <summary>True when the relation (table, index, …) <paramref name="qualifiedName"/> exists, e.g. <c>"schema"."table"</c>.</summary>
    public static Task<bool> RelationExistsAsync(this NpgsqlConnection connection, string qualifiedName, CancellationToken cancellationToken) =>
        connection.ExistsAsync("SELECT 1 WHERE to_regclass($1) IS NOT NULL", cancellationToken, qualifiedName);

    /// <summary>Runs a statement without parameters.</summary>
    public static async Task ExecuteAsync(this NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Runs the statements of one planned change (source init, infra apply), in order.</summary>
    public static async Task ExecuteAsync(this NpgsqlConnection connection, Strata.Infra.PlannedChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        foreach (var statement in change.Statements)
        {
            await connection.ExecuteAsync(statement.ToRun(), cancellationToken);
        }
    }
}
