import type { AgentConfig } from './config.js';
import { Categorizer } from './category.js';
import { applyPrivacy, redactCommand } from './redact.js';
import { RepoFinder } from './repo.js';
import { commandId, type SpoolCommand } from './spool-line.js';
import type { NetworkEntry } from './state.js';

/** A `command` record as the agent ships it (and keeps in its history): already redacted. */
export type CommandRecord = {
  kind: 'command';
  id: string;
  user_name: string;
  host: string;
  command: string;
  category: string;
  cwd: string | null;
  repo: string | null;
  exit_code: number;
  started_at: string;
  duration_ms: number;
  network_ms: number | null;
  network_rx_bytes: number | null;
  network_tx_bytes: number | null;
  shell: string;
  session: string;
};

/** A pasted script is not a command line worth keeping whole: past this it is cut. */
export const MAX_COMMAND_CHARS = 8_192;

// NUL cannot be stored as text by either engine; a hook could pass one through from a paste.
// eslint-disable-next-line no-control-regex -- NUL is what this replaces
const NUL = /\u0000/g;
const clean = (s: string) => (s.includes('\u0000') ? s.replace(NUL, '\uFFFD') : s);

/** Turns spool lines into command records: repository, category, privacy. One per sync or agent. */
export class Enricher {
  readonly repos = new RepoFinder();
  private readonly categories: Categorizer;

  constructor(private readonly cfg: Pick<AgentConfig, 'privacy' | 'redact' | 'categories'>) {
    this.categories = new Categorizer(cfg);
  }

  /**
   * What privacy and the rules make of a command line, remembered: developers run the same
   * lines over and over (`npm test`), and redaction is the costliest step per command.
   */
  private readonly lines = new Map<string, { stored: string; category: string }>();
  private line(command: string): { stored: string; category: string } {
    let hit = this.lines.get(command);
    if (hit) return hit;
    const cut = command.length > MAX_COMMAND_CHARS ? `${command.slice(0, MAX_COMMAND_CHARS)}…` : command;
    const line = clean(cut);
    // Privacy (redact.ts) decides what is kept; the category rules see the redacted line even
    // in program mode, so `npm test` is still a test when only `npm` is kept.
    const stored = applyPrivacy(line, this.cfg).text;
    const matched =
      this.cfg.privacy === 'full'
        ? line
        : this.cfg.privacy === 'redacted'
          ? stored
          : redactCommand(line, this.cfg).text;
    // Trimmed as ingest would: the record shipped is the row stored.
    hit = { stored: stored.trim() || '(empty)', category: this.categories.categorize(matched) };
    if (this.lines.size >= 20_000) this.lines.clear();
    this.lines.set(command, hit);
    return hit;
  }

  /** `id`: commandId(c), when the caller has it already. */
  record(c: SpoolCommand, net: NetworkEntry | undefined, id = commandId(c)): CommandRecord {
    const { stored, category } = this.line(c.command);
    const repo = this.repos.find(c.cwd)?.repo.trim() || null;
    return {
      kind: 'command',
      id,
      user_name: c.user.trim() || 'unknown',
      host: c.host.trim() || 'unknown',
      command: stored,
      category,
      // In program mode the directory (names of clients, projects) stays on the machine too.
      cwd: this.cfg.privacy === 'program' ? null : clean(c.cwd).trim() || null,
      repo,
      exit_code: c.exitCode,
      started_at: c.startedAt.toISOString(),
      duration_ms: c.durationMs,
      network_ms: net?.network_ms ?? null,
      network_rx_bytes: net?.rx_bytes ?? null,
      network_tx_bytes: net?.tx_bytes ?? null,
      shell: c.shell.trim() || 'unknown',
      session: c.session.trim() || 'unknown',
    };
  }
}
