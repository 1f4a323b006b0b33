import { agentPaths } from '../../agent/paths.js';
import { agentStatus } from '../../agent/status.js';
import { config, printJson } from '../context.js';
import type { RegisterAgentCommand } from './agent.js';

const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

/** `pitwall agent status [--json]`: what is installed, what waits in the spool, the last sync. */
export const registerAgentStatus: RegisterAgentCommand = (agent, program, ctx) => {
  agent
    .command('status')
    .description('what is installed, the spool (size, unshipped, dropped), the last sync and its error')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const s = agentStatus(cfg.agent, agentPaths(cfg.agent, ctx.env), ctx.env);
      if (o.json) return printJson(ctx, s);
      const lines = [
        `installed: ${s.installed.length ? s.installed.map((h) => `${h.file} (${h.scope})`).join(', ') : 'no hook found (pitwall agent install)'}`,
        `agent: ${s.running ? `running (pid ${s.running.pid}, ${s.running.mode} since ${s.running.since})` : 'not running'}`,
        `spool: ${s.spool_dir}: ${s.sessions} session files, ${mb(s.spool_bytes)}; unshipped ${s.unshipped_lines} lines (${mb(s.unshipped_bytes)}) of at most ${cfg.agent.spool_max_mb} MB`,
        `dropped: ${s.dropped_lines} oldest lines (spool over its bound)`,
        `bad lines: ${s.bad_lines}${s.bad_samples.length ? ` (last: ${s.bad_samples.at(-1)!.file}: ${s.bad_samples.at(-1)!.reason})` : ''}`,
        `ships to: ${s.sink}`,
        `last sync: ${s.last_sync ? `${s.last_sync.finished_at}, ${s.last_sync.shipped} records${s.last_sync.error ? `, error: ${s.last_sync.error}` : ', ok'}` : 'never'}`,
      ];
      if (s.last_ok_at && s.last_sync?.error) lines.push(`last successful sync: ${s.last_ok_at}`);
      if (s.state_problem) lines.push(`state: ${s.state_problem}`);
      ctx.out(lines.join('\n') + '\n');
    });
};
