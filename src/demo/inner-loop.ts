import type { DemoContext } from './context.js';
import { isWeekday } from './context.js';
import type { DemoRepo } from './org.js';
import { INNER_LOOP, type CommandCategory } from './params.js';

const COMMANDS: Record<DemoRepo['toolchain'], Record<CommandCategory, string[]>> = {
  npm: {
    test: ['npm test', 'npx vitest run'],
    build: ['npm run build', 'npx tsc -p .'],
    lint: ['npx eslint .'],
    install: ['npm ci', 'npm install'],
    git: ['git pull', 'git push', 'git rebase main'],
  },
  cargo: {
    test: ['cargo test'],
    build: ['cargo build', 'cargo build --release'],
    lint: ['cargo clippy'],
    install: ['cargo fetch'],
    git: ['git pull', 'git push', 'git rebase main'],
  },
  go: {
    test: ['go test ./...'],
    build: ['go build ./...'],
    lint: ['golangci-lint run'],
    install: ['go mod download'],
    git: ['git pull', 'git push', 'git rebase main'],
  },
};
const SHARES = Object.fromEntries(
  Object.entries(INNER_LOOP.categories).map(([k, v]) => [k, v.share]),
) as Record<CommandCategory, number>;

/** One developer's local commands for one day, in working hours, in one of their team's repos. */
export function developerDay(
  ctx: DemoContext,
  dev: { login: string; team: string },
  repos: DemoRepo[],
  dayStart: number,
): void {
  const rng = ctx.rng.inner;
  const n = isWeekday(dayStart)
    ? rng.int(INNER_LOOP.weekdayMin, INNER_LOOP.weekdayMax)
    : rng.chance(INNER_LOOP.weekendShare)
      ? rng.int(1, 3)
      : 0;
  for (let i = 0; i < n; i++) {
    const repo = rng.pick(repos);
    const category = rng.weighted(SHARES);
    const spec = INNER_LOOP.categories[category];
    const duration = Math.round(rng.lognormal(spec.medianMs, INNER_LOOP.sigma));
    ctx.realised.push(ctx.realised.commandMs, category, duration);
    ctx.emit({
      kind: 'command',
      id: `${dev.login}-${dayStart / 86_400_000}-${i}`,
      user_name: dev.login,
      host: `${dev.login}-laptop`,
      command: rng.pick(COMMANDS[repo.toolchain][category]),
      category,
      cwd: `/home/${dev.login}/src/${repo.service}`,
      repo: repo.repo,
      exit_code: rng.chance(spec.failureRate) ? 1 : 0,
      started_at: new Date(dayStart + rng.int(8 * 3600, 19 * 3600) * 1000),
      duration_ms: duration,
      network_ms: category === 'install' ? Math.round(duration * INNER_LOOP.installNetworkShare) : null,
    });
  }
}
