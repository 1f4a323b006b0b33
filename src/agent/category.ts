import type { AgentConfig } from './config.js';

/** What a developer waits on: one query answers "waiting on tests and rebuilds". */
export const CATEGORIES = ['test', 'build', 'install', 'lint', 'git', 'run', 'other'] as const;
export type Category = (typeof CATEGORIES)[number] | (string & {});

/** Words of one simple command, after `NAME=value` prefixes and wrappers (sudo, time, env...). */
function words(segment: string): string[] {
  const w = segment.trim().split(/\s+/).filter(Boolean);
  let i = 0;
  for (;;) {
    const x = w[i];
    if (x === undefined) break;
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(x)) i++;
    else if (WRAPPERS.has(x)) {
      i++;
      // Their own flags (sudo -u root, nice -n 5, time -p): skip dashes and one value after -u/-n.
      while (w[i]?.startsWith('-')) i += /^-[unpgC]$/.test(w[i]!) ? 2 : 1;
    } else break;
  }
  return w.slice(i).map((x) => x.replace(/^['"]|['"]$/g, ''));
}

const WRAPPERS = new Set([
  'sudo',
  'time',
  'env',
  'nohup',
  'nice',
  'command',
  'exec',
  'builtin',
  'noglob',
  'doas',
]);

/** The program of a command line: the first word after assignments and wrappers, its basename. */
export function programOf(line: string): string {
  const first = words(line.split(/&&|\|\||[;|]/)[0] ?? '')[0] ?? '';
  return first.replace(/^.*\//, '') || line.trim().split(/\s/)[0] || line;
}

function scriptCategory(script: string | undefined): Category | null {
  if (!script) return null;
  if (/test|spec|e2e|cypress|playwright/i.test(script)) return 'test';
  if (/lint|format|fmt|prettier|eslint|typecheck|type-check|tsc|stylelint/i.test(script)) return 'lint';
  if (/build|compile|bundle|dist|package/i.test(script)) return 'build';
  return 'run';
}

const TEST_TOOLS = new Set([
  'pytest',
  'py.test',
  'tox',
  'nox',
  'jest',
  'vitest',
  'mocha',
  'ava',
  'karma',
  'rspec',
  'phpunit',
  'ctest',
  'tap',
  'jasmine',
  'nextest',
  'cucumber',
  'behave',
]);
const BUILD_TOOLS = new Set([
  'tsc',
  'esbuild',
  'webpack',
  'rollup',
  'swc',
  'babel',
  'javac',
  'gcc',
  'g++',
  'cc',
  'clang',
  'clang++',
  'rustc',
  'cmake',
  'ninja',
  'meson',
  'scons',
  'msbuild',
  'xcodebuild',
  'parcel',
  'turbo',
  'nx',
  'lerna',
  'sbt',
  'ant',
  'bazelisk',
]);
const LINT_TOOLS = new Set([
  'eslint',
  'prettier',
  'biome',
  'ruff',
  'flake8',
  'pylint',
  'mypy',
  'pyright',
  'black',
  'isort',
  'rubocop',
  'shellcheck',
  'golangci-lint',
  'stylelint',
  'ktlint',
  'hadolint',
  'markdownlint',
  'gofmt',
  'rustfmt',
  'clang-format',
  'yamllint',
  'tflint',
  'detekt',
  'oxlint',
  'standard',
]);
const GIT_TOOLS = new Set(['git', 'gh', 'hub', 'tig', 'lazygit', 'glab', 'git-lfs']);
const RUN_TOOLS = new Set([
  'node',
  'deno',
  'ruby',
  'java',
  'php',
  'python',
  'python3',
  'perl',
  'ts-node',
  'tsx',
  'nodemon',
]);
const PACKAGE_MANAGERS = new Set([
  'brew',
  'apt',
  'apt-get',
  'dnf',
  'yum',
  'pacman',
  'apk',
  'gem',
  'composer',
  'conda',
  'mamba',
  'pipx',
  'rustup',
  'nvm',
  'sdk',
  'asdf',
  'mise',
]);
const INSTALL_VERBS = new Set([
  'install',
  'i',
  'ci',
  'add',
  'remove',
  'rm',
  'uninstall',
  'update',
  'up',
  'upgrade',
  'fetch',
  'sync',
  'lock',
  'restore',
  'download',
  'get',
]);

/** The built-in rules for one simple command's words; null when no rule knows it. */
function builtIn(w: string[]): Category | null {
  const prog = (w[0] ?? '').replace(/^.*\//, '');
  const [a1, a2] = [w[1], w[2]];
  const args = w.slice(1).filter((x) => !x.startsWith('-'));
  const sub = args[0];
  switch (prog) {
    case 'npm':
    case 'pnpm':
    case 'yarn':
    case 'bun':
      if (!sub) return prog === 'yarn' ? 'install' : null;
      if (sub === 'run' || sub === 'run-script') return scriptCategory(args[1]);
      if (sub === 'exec' || sub === 'x' || sub === 'dlx') return builtIn(args.slice(1));
      if (/^(test|t|tst)$/.test(sub)) return 'test';
      if (INSTALL_VERBS.has(sub)) return 'install';
      if (sub === 'start') return 'run';
      // `yarn build`, `pnpm lint`, `bun dev`: a script by name.
      return prog === 'npm' ? null : scriptCategory(sub);
    case 'npx':
    case 'pnpx':
    case 'bunx': {
      // npx's own flags come before the program: `npx -y tsc --noEmit`.
      let i = 1;
      while (w[i]?.startsWith('-')) i++;
      return builtIn(w.slice(i));
    }
    case 'cargo':
      if (!sub) return null;
      if (/^(test|t|nextest|bench)$/.test(sub)) return 'test';
      if (/^(build|b|check|c|doc)$/.test(sub)) return 'build';
      if (/^(clippy|fmt)$/.test(sub)) return 'lint';
      if (/^(run|r)$/.test(sub)) return 'run';
      if (/^(install|fetch|add|update|remove|vendor)$/.test(sub)) return 'install';
      return null;
    case 'go':
      if (sub === 'test') return 'test';
      if (sub === 'build' || sub === 'install' || sub === 'generate') return 'build';
      if (sub === 'vet' || sub === 'fmt') return 'lint';
      if (sub === 'run') return 'run';
      if (sub === 'get' || (sub === 'mod' && /^(download|tidy|vendor)$/.test(args[1] ?? '')))
        return 'install';
      return null;
    case 'mvn':
    case 'mvnw':
      if (args.some((x) => /^(test|verify|integration-test|surefire:test)$/.test(x))) return 'test';
      if (args.some((x) => /^(checkstyle|spotless|pmd|spotbugs)/.test(x))) return 'lint';
      if (args.some((x) => x.startsWith('dependency:'))) return 'install';
      return args.length ? 'build' : null;
    case 'gradle':
    case 'gradlew':
      if (args.some((x) => /(^|:)(test|check|connectedCheck|integrationTest)$/.test(x))) return 'test';
      if (args.some((x) => /(^|:)(lint|ktlint\w*|spotless\w*|detekt)$/.test(x))) return 'lint';
      if (args.some((x) => /(^|:)(run|bootRun)$/.test(x))) return 'run';
      if (args.some((x) => /(^|:)dependencies$/.test(x))) return 'install';
      return args.length ? 'build' : null;
    case 'pip':
    case 'pip3':
      return sub && /^(install|download|uninstall|wheel)$/.test(sub) ? 'install' : null;
    case 'poetry':
    case 'pipenv':
    case 'uv':
    case 'hatch':
    case 'pdm':
    case 'rye':
      if (sub === 'run') return builtIn(args.slice(1)) ?? 'run';
      if (sub === 'pip') return args[1] === 'install' || args[1] === 'sync' ? 'install' : null;
      if (sub === 'build') return 'build';
      if (sub === 'test') return 'test';
      if (sub && INSTALL_VERBS.has(sub)) return 'install';
      return null;
    case 'python':
    case 'python3':
      if (a1 === '-m' && a2) return builtIn(w.slice(2)) ?? 'run';
      return 'run';
    case 'make':
    case 'gmake':
      if (args.some((x) => /^(test|tests|check|e2e|integration)$/.test(x))) return 'test';
      if (args.some((x) => /^(lint|fmt|format|vet)$/.test(x))) return 'lint';
      if (args.some((x) => /^(run|serve|dev|start)$/.test(x))) return 'run';
      return 'build';
    case 'bazel':
      if (sub === 'test') return 'test';
      if (sub === 'build') return 'build';
      if (sub === 'run') return 'run';
      if (sub === 'fetch' || sub === 'sync') return 'install';
      return null;
    case 'docker':
    case 'podman':
    case 'docker-compose':
      if (prog === 'docker-compose' || sub === 'compose') {
        const verb = prog === 'docker-compose' ? sub : args[1];
        if (verb === 'build') return 'build';
        if (verb === 'pull') return 'install';
        return verb && /^(up|run|start|exec)$/.test(verb) ? 'run' : null;
      }
      if (sub === 'build' || sub === 'buildx') return 'build';
      if (sub === 'pull') return 'install';
      if (sub === 'run' || sub === 'exec' || sub === 'start') return 'run';
      return null;
    case 'dotnet':
      if (sub === 'test') return 'test';
      if (sub === 'build' || sub === 'publish' || sub === 'pack') return 'build';
      if (sub === 'restore') return 'install';
      if (sub === 'run' || sub === 'watch') return 'run';
      return null;
    case 'deno':
      if (sub === 'test') return 'test';
      if (sub === 'lint' || sub === 'fmt' || sub === 'check') return 'lint';
      if (sub === 'compile') return 'build';
      return 'run';
    case 'bundle':
      if (sub === 'exec') return builtIn(args.slice(1));
      return !sub || INSTALL_VERBS.has(sub) ? 'install' : null;
    case 'vite':
    case 'next':
    case 'nuxt':
    case 'astro':
      return sub === 'build' ? 'build' : 'run';
    case 'playwright':
    case 'cypress':
      return sub === 'test' || sub === 'run' ? 'test' : null;
  }
  if (TEST_TOOLS.has(prog)) return 'test';
  if (prog === 'tsc' && w.includes('--noEmit')) return 'lint';
  if (BUILD_TOOLS.has(prog)) return 'build';
  if (LINT_TOOLS.has(prog)) return 'lint';
  if (GIT_TOOLS.has(prog)) return 'git';
  if (RUN_TOOLS.has(prog)) return 'run';
  if (PACKAGE_MANAGERS.has(prog)) return sub && INSTALL_VERBS.has(sub) ? 'install' : null;
  if ((w[0] ?? '').startsWith('./')) return 'run';
  return null;
}

/** Compiled once per config: the user's rules (agent.categories) are tried first. */
export class Categorizer {
  private readonly rules: { category: string; re: RegExp }[];
  private readonly cache = new Map<string, Category>();

  constructor(cfg: Pick<AgentConfig, 'categories'>) {
    this.rules = cfg.categories.map((r) => ({ category: r.category, re: new RegExp(r.match) }));
  }

  /** The category of a (redacted) command line: the first simple command a rule knows wins. */
  categorize(line: string): Category {
    const hit = this.cache.get(line);
    if (hit) return hit;
    let found: Category = 'other';
    const rule = this.rules.find((r) => r.re.test(line));
    if (rule) found = rule.category;
    else
      for (const segment of line.split(/&&|\|\||[;|]/)) {
        const c = builtIn(words(segment));
        if (c) {
          found = c;
          break;
        }
      }
    if (this.cache.size > 50_000) this.cache.clear();
    this.cache.set(line, found);
    return found;
  }
}
