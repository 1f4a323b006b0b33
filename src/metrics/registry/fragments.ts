import { PitwallError, invalidArgument } from '../../errors/errors.js';
import { BUCKETS, type Bucket } from './types.js';

/**
 * The SQL the registry and the reports wrap around a metric definition, composed here only.
 * What goes into the text is fixed text, a bucket unit from BUCKETS, or a column name checked
 * below; every value (the window, filter values, a row limit) is a bind parameter.
 */

const NAME = /^[a-z_][a-z0-9_]*$/;

/** A group-by or filter column, by name: callers check it against the definition's groupBy. */
function column(name: string): string {
  if (!NAME.test(name)) throw invalidArgument(`"${name}" is not a group-by name`);
  return name;
}

/** The window [$1, $2) on a timestamp column of the facts. */
export const inWindow = (col = 'ts') => `${col} >= $1::timestamp and ${col} < $2::timestamp`;

/** A group value as text, whatever the column's type: what `by` groups on and filters compare. */
export const groupText = (name: string) => `cast(${column(name)} as text)`;

/**
 * ` and <column> = $n` per filter, numbered from `first`; the values are returned as the
 * parameters that go with them, never spliced.
 */
export function filterSql(
  where: Record<string, string> | undefined,
  first: number,
): { sql: string; params: string[] } {
  const filters = Object.entries(where ?? {});
  return {
    sql: filters.map(([col], i) => ` and ${groupText(col)} = $${first + i}`).join(''),
    params: filters.map(([, v]) => v),
  };
}

function unitOf(unit: Bucket): Bucket {
  if (!BUCKETS.includes(unit)) throw invalidArgument(`bucket "${unit}" is not one of ${BUCKETS.join(', ')}`);
  return unit;
}

/** The start of the bucket holding `expr`. */
export const truncTo = (unit: Bucket, expr: string) => `date_trunc('${unitOf(unit)}', ${expr})`;

/** One bucket's length, as an interval. */
export const oneBucket = (unit: Bucket) => `interval '1 ${unitOf(unit)}'`;

/**
 * A text literal that definitions write themselves (a survey question, a span name). Nothing
 * from config or a request may come here: only a plain name is accepted, so no quote needs escaping.
 */
export function literal(name: string): string {
  if (!/^[a-z0-9_.-]+$/.test(name)) throw new PitwallError('internal', `"${name}" is not a plain name`);
  return `'${name}'`;
}

/** `interval 'n days'` for a whole number of days a definition fixes. */
export function days(n: number): string {
  if (!Number.isInteger(n) || n < 0) throw new PitwallError('internal', `${n} is not a whole number of days`);
  return `interval '${n} days'`;
}
