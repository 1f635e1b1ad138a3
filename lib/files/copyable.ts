import type { SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/**
 * A query with bind parameters as COPY can run it (copyCsv, lib/files/csv.ts): COPY takes none
 * (42P02), so each `$n` becomes current_setting('<prefix>.pN'), and copyCsv sets those with
 * set_config() (bind parameters again) on the same session. Every parameter of the query must
 * carry its own cast (`${value}::uuid`), so that the text a setting gives is read as the type it
 * was. `prefix`: a setting namespace of the caller's, so two queries' settings never mix.
 */
export function copyable(query: SQL, prefix: string): { text: string; settings: Record<string, string> } {
  if (!/^[a-z_][a-z0-9_]*$/.test(prefix)) throw new Error(`not a setting prefix: ${prefix}`);
  const { sql: text, params } = new PgDialect().sqlToQuery(query);
  const settings: Record<string, string> = {};
  params.forEach((value, i) => {
    if (typeof value !== 'string' && typeof value !== 'number') throw new TypeError(`parameter ${i + 1} is neither text nor a number`);
    settings[`${prefix}.p${i + 1}`] = String(value);
  });
  return { text: text.replace(/\$(\d+)\b/g, (_, n: string) => `current_setting('${prefix}.p${n}')`), settings };
}
