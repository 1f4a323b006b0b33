import { readFileSync } from 'node:fs';
import type { AgentConfig } from './config.js';
import { BEGIN, BEGIN_NL, rcFile, serviceFile } from './install.js';
import { lockHolder, type LockHolder } from './lock.js';
import type { AgentPaths } from './paths.js';
import { completeLines, listSpoolFiles } from './spool-files.js';
import { loadState, type AgentState } from './state.js';

/** A start-up file (or service unit) that holds a Pitwall hook: found by the `pitwall agent` marker. */
export interface InstalledHook {
  file: string;
  scope: 'user' | 'system';
}

/** Where `pitwall agent install` writes (install.ts), per shell and service, for the user and system-wide. */
export function hookCandidates(home: string, env: NodeJS.ProcessEnv, root = '/'): InstalledHook[] {
  const out: InstalledHook[] = [];
  for (const system of [false, true]) {
    const place = { home, root, env, system };
    const scope = system ? ('system' as const) : ('user' as const);
    for (const shell of ['bash', 'zsh', 'fish'] as const) out.push({ file: rcFile(place, shell), scope });
    for (const kind of ['systemd', 'launchd'] as const) out.push({ file: serviceFile(place, kind), scope });
  }
  return out;
}

/** The candidates holding install's block (its begin marker) or, for a unit, `pitwall agent`. */
export function installedHooks(home: string, env: NodeJS.ProcessEnv, root = '/'): InstalledHook[] {
  return hookCandidates(home, env, root).filter((c) => {
    try {
      const text = readFileSync(c.file, 'utf8');
      return text.includes(BEGIN) || text.includes(BEGIN_NL) || text.includes('pitwall agent');
    } catch {
      return false;
    }
  });
}

export interface AgentStatus {
  spool_dir: string;
  installed: InstalledHook[];
  /** Where syncs ship: the server URL, or `local store`. */
  sink: string;
  sessions: number;
  spool_bytes: number;
  unshipped_bytes: number;
  unshipped_lines: number;
  pending_records: number;
  network_waiting: number;
  dropped_lines: number;
  bad_lines: number;
  bad_samples: AgentState['bad_samples'];
  network_orphans: number;
  last_sync: AgentState['last_sync'];
  last_ok_at: string | null;
  running: LockHolder | null;
  state_problem: string | null;
}

export function agentStatus(cfg: AgentConfig, paths: AgentPaths, env: NodeJS.ProcessEnv): AgentStatus {
  const { state, problem } = loadState(paths.state);
  const files = listSpoolFiles(paths.root);
  let spoolBytes = 0;
  let unshippedBytes = 0;
  let unshippedLines = 0;
  for (const f of files) {
    spoolBytes += f.size;
    const from = state.files[f.rel]?.offset ?? 0;
    if (f.kind !== 'commands' || from >= f.size) continue;
    unshippedBytes += f.size - from;
    for (const _ of completeLines(f.abs, from, f.size)) unshippedLines++;
  }
  return {
    spool_dir: paths.root,
    // PITWALL_INSTALL_ROOT: where `install --system` put its files (tests, image builds).
    installed: installedHooks(paths.home, env, env.PITWALL_INSTALL_ROOT || '/'),
    sink: cfg.server_url ?? 'local store',
    sessions: files.filter((f) => f.kind === 'commands').length,
    spool_bytes: spoolBytes,
    unshipped_bytes: unshippedBytes,
    unshipped_lines: unshippedLines,
    pending_records: state.pending.length,
    network_waiting: Object.keys(state.network).length,
    dropped_lines: state.dropped_lines,
    bad_lines: state.bad_lines,
    bad_samples: state.bad_samples,
    network_orphans: state.network_orphans,
    last_sync: state.last_sync,
    last_ok_at: state.last_ok_at,
    running: lockHolder(paths.lock),
    state_problem: problem,
  };
}
