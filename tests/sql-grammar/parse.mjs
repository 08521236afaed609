// Reads a JSON array of SQL texts on stdin and prints, for each, null when it parses with sqlparser-rs' Snowflake
// dialect or the parser's error. Each text may hold several statements separated by ';'.
import { init, parse } from '@guanmingchiu/sqlparser-ts';

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const statements = JSON.parse(Buffer.concat(chunks).toString('utf8'));
await init();
const results = statements.map((sql) => {
  try {
    parse(sql, 'snowflake');
    return null;
  } catch (error) {
    return String(error?.message ?? error);
  }
});
process.stdout.write(JSON.stringify(results));
