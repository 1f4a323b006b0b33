import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { registerAgentInstall } from './agent-install.js';
import { registerAgentRun } from './agent-run.js';
import { registerAgentStats } from './agent-stats.js';
import { registerAgentStatus } from './agent-status.js';
import { registerAgentSync } from './agent-sync.js';

export type RegisterAgentCommand = (agent: Command, program: Command, ctx: CliContext) => void;

/**
 * `pitwall agent ...`: the shell agent that times local commands (the inner loop). Each
 * subcommand registers itself from its own file (agent-*.ts), one line here.
 */
const agentCommands: RegisterAgentCommand[] = [
  registerAgentInstall,
  registerAgentSync,
  registerAgentRun,
  registerAgentStatus,
  registerAgentStats,
];

export function registerAgent(program: Command, ctx: CliContext): void {
  const agent = program
    .command('agent')
    .description(
      'the shell agent: time the commands you run locally, redacted, for the inner-loop dashboard',
    );
  for (const register of agentCommands) register(agent, program, ctx);
}
