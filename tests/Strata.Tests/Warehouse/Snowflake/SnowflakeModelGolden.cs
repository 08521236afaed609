namespace Strata.Tests.Warehouse.Snowflake;

/// <summary>
/// Requests of a changelog project's build on Snowflake, pinned as the SQL API receives them (scratch suffixes written
/// <c>__BUILD</c>, the watermark's time of writing <c>&lt;now&gt;</c>): see <see cref="SnowflakeModelBuildTests"/>.
/// </summary>
internal static class SnowflakeModelGolden
{
    /// <summary>current_state after a TRUNCATE in the batch: emptied, each key's latest version in, the watermark moved; one transaction.</summary>
    public const string CurrentState = """"
        BEGIN TRANSACTION;
        DELETE FROM "SILVER"."THINGS";
        DELETE FROM "SILVER"."THINGS" AS t USING "_STRATA_STAGE"."STRATA_LATEST__THINGS__BUILD" AS s WHERE t."ID" = s."ID";
        INSERT INTO "SILVER"."THINGS" ("ID", "NAME", "N", "_LSN", "_COMMIT_TS") SELECT "ID", "NAME", "N", "_LSN", "_COMMIT_TS" FROM "_STRATA_STAGE"."STRATA_LATEST__THINGS__BUILD" WHERE _op <> 'd';
        DELETE FROM "_STRATA"."MODEL_STATE" WHERE model = 'things';
        INSERT INTO "_STRATA"."MODEL_STATE" ("MODEL", "LSN", "SEQ", "COMMIT_TS", "UPDATED_AT") VALUES ('things', 120, 3, '2025-12-01 08:30:00.0000000', '<now>');
        COMMIT
        """";

    /// <summary>history: versions closed and inserted per segment around the reset, the two-current-rows guard failing the transaction itself, the watermark.</summary>
    public const string History = """"
        BEGIN TRANSACTION;
        UPDATE "SILVER"."THINGS_HISTORY" AS t SET valid_to = s.first_ts, is_current = false FROM (SELECT "ID", min(_commit_ts) AS first_ts FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" WHERE true AND (_lsn < 110 OR (_lsn = 110 AND _seq < 2)) AND _op <> 't' GROUP BY "ID") AS s WHERE (t.is_current) AND t."ID" = s."ID";
        INSERT INTO "SILVER"."THINGS_HISTORY" ("ID", "NAME", "N", "_LSN", "_COMMIT_TS", _seq, valid_from, valid_to, is_current, is_deleted) SELECT "ID", "NAME", "N", "_LSN", "_COMMIT_TS", _seq, _commit_ts, lead(_commit_ts) OVER (PARTITION BY "ID" ORDER BY _lsn, _seq), lead(_lsn) OVER (PARTITION BY "ID" ORDER BY _lsn, _seq) IS NULL, _op = 'd' FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" WHERE true AND (_lsn < 110 OR (_lsn = 110 AND _seq < 2)) AND _op <> 't';
        UPDATE "SILVER"."THINGS_HISTORY" SET valid_to = '2025-12-01 08:28:20.0000000', is_current = false WHERE is_current;
        UPDATE "SILVER"."THINGS_HISTORY" AS t SET valid_to = s.first_ts, is_current = false FROM (SELECT "ID", min(_commit_ts) AS first_ts FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" WHERE (_lsn > 110 OR (_lsn = 110 AND _seq > 2)) AND true AND _op <> 't' GROUP BY "ID") AS s WHERE (t.is_current) AND t."ID" = s."ID";
        INSERT INTO "SILVER"."THINGS_HISTORY" ("ID", "NAME", "N", "_LSN", "_COMMIT_TS", _seq, valid_from, valid_to, is_current, is_deleted) SELECT "ID", "NAME", "N", "_LSN", "_COMMIT_TS", _seq, _commit_ts, lead(_commit_ts) OVER (PARTITION BY "ID" ORDER BY _lsn, _seq), lead(_lsn) OVER (PARTITION BY "ID" ORDER BY _lsn, _seq) IS NULL, _op = 'd' FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" WHERE (_lsn > 110 OR (_lsn = 110 AND _seq > 2)) AND true AND _op <> 't';
        DELETE FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" WHERE CAST((SELECT CAST('strata guard: ' AS VARCHAR) || strata_violation FROM (SELECT 'id=' || coalesce(CAST(t."ID" AS VARCHAR), 'NULL') AS strata_violation FROM "SILVER"."THINGS_HISTORY" AS t WHERE t.is_current AND EXISTS (SELECT 1 FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_HISTORY__BUILD" AS s WHERE t."ID" = s."ID") GROUP BY t."ID" HAVING count(*) > 1) AS guard LIMIT 1) AS NUMBER(19,0)) IS NOT NULL;
        DELETE FROM "_STRATA"."MODEL_STATE" WHERE model = 'things_history';
        INSERT INTO "_STRATA"."MODEL_STATE" ("MODEL", "LSN", "SEQ", "COMMIT_TS", "UPDATED_AT") VALUES ('things_history', 120, 3, '2025-12-01 08:30:00.0000000', '<now>');
        COMMIT
        """";

    /// <summary>incremental merge: one statement, atomic alone, its source cut to one row per key.</summary>
    public const string Merge = """"
        MERGE INTO "SILVER"."THINGS_MERGED" AS t USING (SELECT * FROM "_STRATA_STAGE"."STRATA_BATCH__THINGS_MERGED__BUILD" QUALIFY ROW_NUMBER() OVER (PARTITION BY "ID" ORDER BY "ID") = 1) AS s ON t."ID" = s."ID"
        WHEN MATCHED THEN UPDATE SET "NAME" = s."NAME", "N" = s."N"
        WHEN NOT MATCHED THEN INSERT ("ID", "NAME", "N") VALUES (s."ID", s."NAME", s."N")
        """";
}
