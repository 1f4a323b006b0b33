/**
 * What Grafana does to a PostgreSQL panel's rawSql before it reaches the database: template
 * variables first (a single value of a variable that has an "All" option is quoted as a SQL
 * literal; a custom all value goes in raw), then the time macros as RFC 3339 literals.
 */
export function asGrafanaSends(
  sql: string,
  range: { from: Date; to: Date },
  vars: Record<string, string | null>,
  allValue = "'__all'",
): string {
  const rfc3339 = (d: Date) => `'${d.toISOString().replace(/\.\d{3}Z$/, 'Z')}'`;
  return sql
    .replace(/\$(\w+)/g, (m, name: string) =>
      name in vars ? (vars[name] === null ? allValue : `'${vars[name]!.replaceAll("'", "''")}'`) : m,
    )
    .replaceAll('$__timeFrom()', rfc3339(range.from))
    .replaceAll('$__timeTo()', rfc3339(range.to));
}
