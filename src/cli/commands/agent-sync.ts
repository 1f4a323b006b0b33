import { acquireLock } from '../../agent/lock.js';
import { agentPaths } from '../../agent/paths.js';
import { config, printJson } from '../context.js';
import type { RegisterAgentCommand } from './agent.js';
import { describeSync, syncFailed, syncOnce } from './agent-sink.js';

/** `pitwall agent sync`: read the spool once, ship it, and exit (cron, a hook, or by hand). */
export const registerAgentSync: RegisterAgentCommand = (agent, program, ctx) => {
  agent
    .command('sync')
    .description('read the spool once and ship it: to agent.server_url, else into the local store')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const paths = agentPaths(cfg.agent, ctx.env);
      const release = acquireLock(paths.lock, 'sync');
      let r;
      try {
        r = await syncOnce(cfg, paths, ctx.env);
      } finally {
        release();
      }
      if (o.json) printJson(ctx, r);
      else if (!r.error) ctx.out(`agent sync: ${describeSync(r)}\n`);
      if (r.error) throw syncFailed(r);
    });
};
