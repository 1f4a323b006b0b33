/**
 * The normalised command of a command line: program + subcommand (`npm test`, `cargo build`,
 * `go test`), so `go test ./...` and `go test -run X ./pkg` are one chokepoint. One SQL
 * expression, valid on DuckDB and PostgreSQL, so the dashboard, the metrics and
 * `pitwall agent stats` group the same way and no second implementation can drift.
 *
 * Rules, in order:
 * - whitespace runs become one space;
 * - leading `NAME=value` assignments and wrappers (sudo, time, env, nice, nohup, command, exec,
 *   `pitwall run --`) are dropped: they change how a command runs, not which one it is;
 * - the program is the first word without its directory (`./node_modules/.bin/vitest` → `vitest`);
 * - a second word that looks like a subcommand (lower-case letters, digits, `:`, `_`, `-`; no
 *   flag, path or file name) is kept;
 * - script runners keep the script too (`npm run build`, `pnpm exec tsc`, `python -m pytest`).
 */

/** Lower-case word with no dot, slash or leading dash: a subcommand, not an argument. */
const WORD = `'^[a-z][a-z0-9:_-]*$'`;
const isWord = (e: string) => `(${e} <> '' and regexp_replace(${e}, ${WORD}, '') = '')`;
const RUNNERS = `('npm', 'pnpm', 'yarn', 'bun', 'npx', 'uv', 'poetry', 'pipenv', 'pdm', 'deno')`;
const RUN_WORDS = `('run', 'exec', 'x', 'dlx', 'task')`;
const WRAPPERS = `'^(([A-Za-z_][A-Za-z0-9_]*=[^ ]* )|((sudo|time|env|nice|nohup|command|exec) )|(pitwall run (-- )?))+'`;

/**
 * A FROM item: the `commands` table with the column `program` added, under the alias `alias`.
 * Use it in place of `commands <alias>`.
 */
export function commandsWithProgram(alias = 'c'): string {
  const stripped = `regexp_replace(regexp_replace(trim(x.command), '[[:space:]]+', ' ', 'g'), ${WRAPPERS}, '')`;
  const w1 = `regexp_replace(y.w1_, '^.*/', '')`;
  const program = `case
      when y.w2_ = '-m' and ${isWord('y.w3_')} then ${w1} || ' -m ' || y.w3_
      when ${isWord('y.w2_')} and ${w1} in ${RUNNERS} and y.w2_ in ${RUN_WORDS} and ${isWord('y.w3_')}
        then ${w1} || ' ' || y.w2_ || ' ' || y.w3_
      when ${isWord('y.w2_')} then ${w1} || ' ' || y.w2_
      else ${w1} end`;
  // The expression runs once per distinct command line, not once per run: the same `npm test`
  // typed a thousand times is normalised once, then joined back.
  return `(select r.id, r.user_name, r.host, r.command, r.category, r.cwd, r.repo, r.exit_code, r.started_at,
      r.duration_ms, r.network_ms, m.program
    from commands r left join (
      select y.command, ${program} as program
      from (select s.command, split_part(s.w_, ' ', 1) as w1_, split_part(s.w_, ' ', 2) as w2_, split_part(s.w_, ' ', 3) as w3_
        from (select x.command, ${stripped} as w_ from (select distinct command from commands) x) s) y
    ) m on m.command = r.command) ${alias}`;
}
