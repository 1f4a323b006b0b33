import { Enricher } from '../../agent/enrich.js';
import { acquireLock } from '../../agent/lock.js';
import { agentPaths } from '../../agent/paths.js';
import { config } from '../context.js';
import type { RegisterAgentCommand } from './agent.js';
import { describeSync, syncOnce } from './agent-sink.js';

/**
 * `pitwall agent run`: syncs every agent.sync_interval_seconds until SIGTERM/SIGINT, which lets
 * the batch in flight finish (and its offsets be written) before it exits 0.
 */
export const registerAgentRun: RegisterAgentCommand = (agent, program, ctx) => {
  agent
    .command('run')
    .description('keep syncing the spool every agent.sync_interval_seconds (SIGTERM stops it cleanly)')
    .action(async () => {
      const cfg = config(ctx, program);
      const paths = agentPaths(cfg.agent, ctx.env);
      const release = acquireLock(paths.lock, 'run');
      let stop = false;
      let wake: (() => void) | null = null;
      // Stopping cuts a request in flight too (its batch is not acknowledged, so it is shipped
      // again next time): a hung server never holds up a stop.
      const stopping = new AbortController();
      const onSignal = () => {
        stop = true;
        stopping.abort();
        wake?.();
      };
      process.on('SIGTERM', onSignal);
      process.on('SIGINT', onSignal);
      const enricher = new Enricher(cfg.agent);
      ctx.err(
        `agent: running, spool ${paths.root}, shipping to ${cfg.agent.server_url ?? 'the local store'}\n`,
      );
      try {
        let lastError: string | null = null;
        while (!stop) {
          // A failure outside shipping (a spool dir made unreadable) is retried too: the agent
          // outlives what it can do nothing about now.
          const r = await syncOnce(cfg, paths, ctx.env, {
            enricher,
            shouldStop: () => stop,
            signal: stopping.signal,
          }).catch((e: unknown) => ({
            shipped: 0,
            commands: 0,
            dropped: 0,
            bad: 0,
            removed: 0,
            error: (e as Error).message,
          }));
          // Said once per change, not every interval: a week offline is one line.
          if (r.error && r.error !== lastError) ctx.err(`agent: sync failed (will retry): ${r.error}\n`);
          else if (!r.error && (r.shipped || r.dropped || lastError)) ctx.err(`agent: ${describeSync(r)}\n`);
          lastError = r.error;
          if (stop) break;
          await new Promise<void>((resolve) => {
            const t = setTimeout(resolve, cfg.agent.sync_interval_seconds * 1000);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
          });
          wake = null;
        }
      } finally {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        release();
      }
      ctx.err('agent: stopped\n');
    });
};
