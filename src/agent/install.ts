import {
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  rmdirSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { PitwallError } from '../errors/errors.js';
import { hookScript, type Shell } from './hooks/index.js';

/**
 * `pitwall agent install` / `uninstall`: a marked block in the shell's start-up file that
 * sources a hook file written next to it, and optionally a service unit running `pitwall agent
 * run`. Installing twice leaves every file byte-identical to installing once; uninstall removes
 * exactly what install added: the block (and the newline put before it, if the file did not end
 * in one), the files and directories install created, nothing else. What was created is kept in
 * a manifest (`installed.json` beside the hook files), so a start-up file that existed is
 * restored byte for byte and one install created is removed.
 */

export type ServiceKind = 'systemd' | 'launchd';

/** Where things go: the user's HOME, and the root system paths hang from (`/`; tests use a temp dir). */
export interface InstallPlace {
  home: string;
  root: string;
  env: NodeJS.ProcessEnv;
  system: boolean;
}

export interface InstallOptions extends InstallPlace {
  shell: Shell;
  wrap: readonly string[];
  service: ServiceKind | null;
  /** `agent.spool_dir`; null: each shell works out the default for its user. */
  spoolDir: string | null;
  /** The command that runs pitwall (aliases and the service): e.g. [node, .../bin/pitwall.js]. */
  pitwall: readonly string[];
}

export const BEGIN = '# >>> pitwall agent >>>';
/** The begin marker when install had to end the file's last line first. */
export const BEGIN_NL = '# >>> pitwall agent (a newline was added before this line) >>>';
export const END = '# <<< pitwall agent <<<';

const manifestSchema = z.object({
  version: z.literal(1),
  /** Paths install created (files and directories), per shell or `service`. */
  entries: z.record(
    z.string(),
    z.object({ file: z.string(), hook: z.string().nullable(), created: z.array(z.string()) }),
  ),
});
type Manifest = z.infer<typeof manifestSchema>;

const expand = (p: InstallPlace, sys: string, user: string) =>
  p.system ? join(p.root, sys) : join(p.home, user);

function configHome(p: InstallPlace): string {
  return p.env.XDG_CONFIG_HOME || join(p.home, '.config');
}

/** The directory of the hook files and the manifest. */
export function hookDir(p: InstallPlace): string {
  return p.system ? join(p.root, 'etc', 'pitwall') : join(configHome(p), 'pitwall');
}

/** The start-up file the block goes in. */
export function rcFile(p: InstallPlace, shell: Shell): string {
  if (shell === 'bash') return expand(p, 'etc/bash.bashrc', '.bashrc');
  if (shell === 'zsh')
    return p.system ? join(p.root, 'etc', 'zsh', 'zshrc') : join(p.env.ZDOTDIR || p.home, '.zshrc');
  return p.system
    ? join(p.root, 'etc', 'fish', 'conf.d', 'pitwall.fish')
    : join(configHome(p), 'fish', 'conf.d', 'pitwall.fish');
}

export function serviceFile(p: InstallPlace, kind: ServiceKind): string {
  if (kind === 'systemd')
    return p.system
      ? join(p.root, 'etc', 'systemd', 'user', 'pitwall-agent.service')
      : join(configHome(p), 'systemd', 'user', 'pitwall-agent.service');
  return expand(
    p,
    'Library/LaunchAgents/dev.pitwall.agent.plist',
    'Library/LaunchAgents/dev.pitwall.agent.plist',
  );
}

const manifestPath = (p: InstallPlace) => join(hookDir(p), 'installed.json');

function readManifest(p: InstallPlace): Manifest {
  const path = manifestPath(p);
  if (!existsSync(path)) return { version: 1, entries: {} };
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    json = null;
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success)
    throw new PitwallError(
      'invalid_config',
      `${path} is not an install manifest pitwall wrote: remove it and install again`,
    );
  return parsed.data;
}

function writeManifest(p: InstallPlace, m: Manifest, created: string[]): void {
  const sorted = Object.fromEntries(Object.entries(m.entries).sort(([a], [b]) => a.localeCompare(b)));
  writeIfChanged(manifestPath(p), JSON.stringify({ version: 1, entries: sorted }, null, 2) + '\n', created);
}

/** mkdir -p, noting each directory it made (outermost first). */
function makeDirs(dir: string, created: string[]): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  for (const d of missing) {
    mkdirSync(d);
    created.push(d);
  }
}

/** Writes only when the content differs (an unchanged file keeps its mtime); notes a new file. */
function writeIfChanged(path: string, text: string, created: string[]): void {
  const exists = existsSync(path);
  if (exists && readFileSync(path, 'utf8') === text) return;
  makeDirs(dirname(path), created);
  writeFileSync(path, text);
  if (!exists) created.push(path);
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const fq = (s: string) => `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;

function blockLines(shell: Shell, hook: string): string[] {
  const source =
    shell === 'fish' ? `test -r ${fq(hook)}; and source ${fq(hook)}` : `[ -r ${q(hook)} ] && . ${q(hook)}`;
  return ['# Added by `pitwall agent install`; `pitwall agent uninstall` removes it.', source];
}

interface Found {
  start: number;
  end: number;
  newlineAdded: boolean;
}

/** Finds the block (character offsets of its first and past its last line). */
function findBlock(text: string): Found | null {
  const lines = text.split('\n');
  let offset = 0;
  let start = -1;
  let newlineAdded = false;
  for (const line of lines) {
    if (start < 0 && (line === BEGIN || line === BEGIN_NL)) {
      start = offset;
      newlineAdded = line === BEGIN_NL;
    } else if (start >= 0 && line === END) {
      const end = Math.min(text.length, offset + line.length + 1);
      return { start, end, newlineAdded };
    }
    offset += line.length + 1;
  }
  return null;
}

/** The start-up file's text with the block in (replaced in place when there). */
export function withBlock(text: string, shell: Shell, hook: string): string {
  const found = findBlock(text);
  const body = blockLines(shell, hook).join('\n');
  if (found) {
    const begin = found.newlineAdded ? BEGIN_NL : BEGIN;
    return `${text.slice(0, found.start)}${begin}\n${body}\n${END}\n${text.slice(found.end)}`;
  }
  if (text === '' || text.endsWith('\n')) return `${text}${BEGIN}\n${body}\n${END}\n`;
  return `${text}\n${BEGIN_NL}\n${body}\n${END}\n`;
}

/** The start-up file's text without the block, as it was before install added it. */
export function withoutBlock(text: string): string {
  const found = findBlock(text);
  if (!found) return text;
  const rest = text.slice(found.end);
  // The newline install put before the block ends the user's last line: taken back only when
  // nothing was added after the block since.
  const before =
    found.newlineAdded && rest === ''
      ? text.slice(0, found.start).replace(/\n$/, '')
      : text.slice(0, found.start);
  return before + rest;
}

export function systemdUnit(pitwall: readonly string[]): string {
  const exec = [...pitwall, 'agent', 'run'].map((a) =>
    /^[\w@%+=:,./-]+$/.test(a) ? a : `"${a.replace(/(["\\])/g, '\\$1')}"`,
  );
  return `# ${'Written by `pitwall agent install --service systemd`; removed by `pitwall agent uninstall`.'}
[Unit]
Description=Pitwall agent: ships the shell hooks' spool of local command timings

[Service]
ExecStart=${exec.join(' ')}
Restart=on-failure
RestartSec=30

[Install]
WantedBy=default.target
`;
}

const xml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);

export function launchdPlist(pitwall: readonly string[]): string {
  const args = [...pitwall, 'agent', 'run'].map((a) => `    <string>${xml(a)}</string>`).join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<!-- Written by \`pitwall agent install --service launchd\`; removed by \`pitwall agent uninstall\`. -->
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>dev.pitwall.agent</string>
  <key>ProgramArguments</key>
  <array>
${args}
  </array>
  <key>RunAtLoad</key>
  <true/>
  <key>KeepAlive</key>
  <true/>
  <key>ProcessType</key>
  <string>Background</string>
</dict>
</plist>
`;
}

export interface InstallResult {
  rc: string;
  hook: string;
  service: string | null;
  /** Files whose content changed (empty on a repeated install). */
  changed: string[];
}

export function install(o: InstallOptions): InstallResult {
  const m = readManifest(o);
  const changed: string[] = [];
  // The hook directory and the manifest are install's own: under `manifest`, removed last.
  const own = [...(m.entries.manifest?.created ?? [])];
  const ownMade: string[] = [];
  makeDirs(hookDir(o), ownMade);
  if (!existsSync(manifestPath(o))) ownMade.push(manifestPath(o));
  m.entries.manifest = { file: manifestPath(o), hook: null, created: [...own, ...ownMade] };
  const track = (path: string, text: string, created: string[]) => {
    const before = existsSync(path) ? readFileSync(path, 'utf8') : null;
    writeIfChanged(path, text, created);
    if (before !== text) changed.push(path);
  };
  const created: string[] = [];
  const hook = join(hookDir(o), `hook.${o.shell}`);
  track(hook, hookScript(o.shell, { spoolDir: o.spoolDir, wrap: o.wrap, pitwall: o.pitwall }), created);
  const rc = rcFile(o, o.shell);
  const rcText = existsSync(rc) ? readFileSync(rc, 'utf8') : '';
  track(rc, withBlock(rcText, o.shell, hook), created);
  const prev = m.entries[o.shell];
  m.entries[o.shell] = {
    file: rc,
    hook,
    created: [...(prev?.created ?? []), ...created.filter((c) => !prev?.created.includes(c))],
  };
  let service: string | null = null;
  if (o.service) {
    const made: string[] = [];
    service = serviceFile(o, o.service);
    track(service, o.service === 'systemd' ? systemdUnit(o.pitwall) : launchdPlist(o.pitwall), made);
    const prevS = m.entries.service;
    m.entries.service = {
      file: service,
      hook: null,
      created: [...(prevS?.created ?? []), ...made.filter((c) => !prevS?.created.includes(c))],
    };
  }
  writeManifest(o, m, []);
  return { rc, hook, service, changed };
}

export interface UninstallResult {
  /** Start-up files the block was taken out of. */
  restored: string[];
  removed: string[];
}

/** Removes what install added for every shell (or the one named), and the service unit. */
export function uninstall(p: InstallPlace, shell?: Shell): UninstallResult {
  const m = readManifest(p);
  const restored: string[] = [];
  const removed: string[] = [];
  const rm = (path: string) => {
    if (!existsSync(path)) return;
    try {
      if (readdirSync(path).length) return;
      rmdirSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e;
      unlinkSync(path);
    }
    removed.push(path);
  };
  const shells = shell ? [shell] : (['bash', 'zsh', 'fish'] as const);
  for (const s of shells) {
    const entry = m.entries[s];
    const rc = entry?.file ?? rcFile(p, s);
    if (existsSync(rc)) {
      const text = readFileSync(rc, 'utf8');
      const next = withoutBlock(text);
      if (next !== text) {
        writeFileSync(rc, next);
        restored.push(rc);
      }
    }
    if (!entry) continue;
    if (entry.hook && existsSync(entry.hook)) {
      unlinkSync(entry.hook);
      removed.push(entry.hook);
    }
    // Created files first (a created start-up file only if nothing is left in it), then the
    // directories, innermost first, each only if empty.
    for (const c of [...entry.created].reverse()) {
      if (c === rc && existsSync(rc) && readFileSync(rc, 'utf8') !== '') continue;
      rm(c);
    }
    delete m.entries[s];
  }
  const left = Object.keys(m.entries).filter((k) => k !== 'manifest' && k !== 'service');
  if (!shell || !left.length) {
    const svc = m.entries.service;
    if (svc) {
      if (existsSync(svc.file)) {
        unlinkSync(svc.file);
        removed.push(svc.file);
      }
      for (const c of [...svc.created].reverse()) rm(c);
      delete m.entries.service;
    }
  }
  if (!left.length) {
    const own = m.entries.manifest?.created ?? [];
    if (existsSync(manifestPath(p))) {
      unlinkSync(manifestPath(p));
      removed.push(manifestPath(p));
    }
    for (const c of [...own].reverse()) rm(c);
  } else writeManifest(p, m, []);
  return { restored, removed };
}

/** The shell named by $SHELL, if it is one there is a hook for. */
export function shellFromEnv(env: NodeJS.ProcessEnv): Shell | null {
  const name = (env.SHELL ?? '').split('/').pop() ?? '';
  return name === 'bash' || name === 'zsh' || name === 'fish' ? name : null;
}
