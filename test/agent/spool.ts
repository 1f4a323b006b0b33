import { appendFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatNetworkLine, formatSpoolLine, type SpoolCommand } from '../../src/agent/spool-line.js';

/** A session id whose shell is alive (this process), so the agent must leave its file alone. */
export const LIVE = `${process.pid}-1700000000000000`;
/** A session id whose shell has exited (no such pid). */
export const DEAD = `4194999-1700000000000000`;

export const T0 = Date.parse('2026-11-20T09:00:00Z');

export function cmd(session: string, seq: number, over: Partial<SpoolCommand> = {}): SpoolCommand {
  return {
    shell: 'bash',
    host: 'laptop-1',
    session,
    seq,
    startedAt: new Date(T0 + seq * 60_000),
    durationMs: 1500.25,
    exitCode: 0,
    user: 'ada',
    cwd: '/nonexistent/work',
    command: `echo ${seq}`,
    ...over,
  };
}

/** An agent's home: a spool dir, a pitwall.yaml with its agent: section, an isolated HOME. */
export function agentHome(agentYaml: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-agent-'));
  const spool = join(dir, 'spool');
  mkdirSync(join(spool, 'commands'), { recursive: true });
  mkdirSync(join(spool, 'network'), { recursive: true });
  const yaml = Object.entries({ spool_dir: spool, ...agentYaml })
    .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
    .join('\n');
  writeFileSync(join(dir, 'pitwall.yaml'), `agent:\n${yaml}\n`);
  return {
    dir,
    spool,
    commandsFile: (session: string) => join(spool, 'commands', `${session}.spool`),
    /** Appends complete p1 lines, as the hook does. */
    append(session: string, cs: SpoolCommand[]) {
      appendFileSync(
        join(spool, 'commands', `${session}.spool`),
        cs.map((c) => formatSpoolLine(c) + '\n').join(''),
      );
    },
    appendRaw(session: string, text: string) {
      appendFileSync(join(spool, 'commands', `${session}.spool`), text);
    },
    network(session: string, seq: number, networkMs: number, host = 'laptop-1') {
      appendFileSync(
        join(spool, 'network', `${session}.spool`),
        formatNetworkLine({ host, session, seq, networkMs, rxBytes: 1000 * seq, txBytes: 10 * seq }) + '\n',
      );
    },
  };
}
