import { hostname, userInfo } from 'node:os';
import type { Command } from 'commander';
import type { AgentConfig } from '../../agent/config.js';
import { agentPaths } from '../../agent/paths.js';
import { runForeground } from '../../agent/run-command.js';
import { DEFAULT_INTERVAL_MS, NetworkSampler, type NetworkMeasure } from '../../agent/run-measure.js';
import { hookContext, shellJoin, writeRunLines } from '../../agent/run-record.js';
import { invalidArgument } from '../../errors/errors.js';
import { config, type CliContext } from '../context.js';
import { PassThroughExit } from '../exit.js';

/** Set in the command's environment: a `pitwall run` inside it is measured by this one already. */
const NESTED = 'PITWALL_RUN_PID';

interface Options {
  sampleMs: string;
  summary?: boolean;
}

/**
 * `pitwall run [--] CMD ARGS...`: runs a command in the foreground, exit status passed through,
 * and records it with its network use (Linux): the `n1` line the agent joins to the shell
 * hook's record of the same command, or, outside a hook, the command's own record too.
 * Nothing about recording ever fails the command: a config or spool problem is one warning.
 */
export function registerRun(program: Command, ctx: CliContext): void {
  program
    .command('run')
    .description('run a command and record it for the inner loop, with its network time on Linux')
    .argument('[command...]', 'the command and its arguments (after --, or after the first word)')
    .option('--sample-ms <ms>', 'how often the network counters are sampled', String(DEFAULT_INTERVAL_MS))
    .option('--summary', 'print what was measured on stderr after the command')
    .passThroughOptions()
    .action(async (argv: string[], o: Options) => {
      if (argv.length === 0)
        throw invalidArgument('pitwall run needs a command to run: pitwall run -- CMD [ARGS...]');
      const intervalMs = Number(o.sampleMs);
      if (!Number.isFinite(intervalMs) || intervalMs < 10 || intervalMs > 10_000)
        throw invalidArgument(
          `--sample-ms ${JSON.stringify(o.sampleMs)}: expected milliseconds from 10 to 10000`,
        );

      const env = { ...process.env, ...ctx.env };
      const warn = (what: string) => ctx.err(`pitwall run: ${what}; the command runs, unrecorded\n`);
      const nested = Boolean(env[NESTED]);
      let agent: AgentConfig | null = null;
      if (!nested) {
        try {
          agent = config(ctx, program).agent;
        } catch (e) {
          warn(`config: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
        }
      }

      let sampler: NetworkSampler | null = null;
      const ran = await runForeground(argv, {
        cwd: ctx.cwd,
        env: { ...env, [NESTED]: String(process.pid) },
        terminal: Boolean(process.stdin.isTTY),
        err: ctx.err,
        onSpawn: (child) => {
          if (agent && process.platform === 'linux' && child.pid) {
            sampler = new NetworkSampler(child.pid, { intervalMs, path: env.PATH });
            sampler.start();
          }
        },
      });
      const s = sampler as NetworkSampler | null;
      const net: NetworkMeasure | null = s ? await s.stop(ran.endedAt) : null;
      if (s && !net)
        ctx.err(`pitwall run: network not measured (${String((s.error as Error)?.message ?? s.error)})\n`);

      if (agent) {
        try {
          writeRunLines(
            agentPaths(agent, env),
            {
              host: hostname(),
              user: env.USER || userInfo().username,
              cwd: ctx.cwd,
              command: shellJoin(argv),
              startedAt: ran.startedAt,
              durationMs: ran.durationMs,
              exitCode: ran.exitCode,
              pid: process.pid,
            },
            hookContext(env),
            net,
          );
        } catch (e) {
          ctx.err(`pitwall run: not recorded: ${e instanceof Error ? e.message : String(e)}\n`);
        }
      }
      if (o.summary) ctx.err(summary(ran.durationMs, net) + '\n');
      if (ran.exitCode !== 0) throw new PassThroughExit(ran.exitCode);
    });
}

function summary(durationMs: number, net: NetworkMeasure | null): string {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  if (!net) return `pitwall run: ${s(durationMs)}, network not measured`;
  return (
    `pitwall run: ${s(durationMs)}, network ${s(net.networkMs)}; ` +
    `${net.rxBytes} bytes received, ${net.txBytes} sent over ${net.sockets} TCP sockets ` +
    `(${net.samples} samples, ${net.ssRuns} with ss, ${net.sampleCostMs.toFixed(0)} ms spent sampling, ` +
    `${net.cpuMs === null ? '?' : net.cpuMs.toFixed(0)} ms CPU)`
  );
}
