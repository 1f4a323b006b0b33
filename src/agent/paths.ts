import { homedir } from 'node:os';
import { join } from 'node:path';
import type { AgentConfig } from './config.js';

/**
 * Where the agent's files live under `agent.spool_dir` (default $XDG_STATE_HOME/pitwall):
 *
 *   commands/<session>.spool   p1 lines, one file per shell session (the hooks write them)
 *   network/<session>.spool    n1 lines (`pitwall run` writes them)
 *   state.json                 the agent's offsets, counters and pending records (state.ts)
 *   agent.lock                 held by the one agent syncing (lock.ts)
 *   history/YYYY-MM-DD.jsonl   what was shipped, redacted, for `pitwall agent stats` (history.ts)
 */
export interface AgentPaths {
  root: string;
  commands: string;
  network: string;
  state: string;
  lock: string;
  history: string;
  home: string;
}

export function homeOf(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

export function agentPaths(cfg: Pick<AgentConfig, 'spool_dir'>, env: NodeJS.ProcessEnv): AgentPaths {
  const home = homeOf(env);
  const root = cfg.spool_dir ?? join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'pitwall');
  return {
    root,
    commands: join(root, 'commands'),
    network: join(root, 'network'),
    state: join(root, 'state.json'),
    lock: join(root, 'agent.lock'),
    history: join(root, 'history'),
    home,
  };
}
