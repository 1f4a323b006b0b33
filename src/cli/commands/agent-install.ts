import { Option } from 'commander';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  install,
  shellFromEnv,
  uninstall,
  type InstallPlace,
  type ServiceKind,
} from '../../agent/install.js';
import { SHELLS, WRAPPABLE, parseWrap, type Shell } from '../../agent/hooks/index.js';
import { homeOf } from '../../agent/paths.js';
import { invalidArgument } from '../../errors/errors.js';
import { config, type CliContext } from '../context.js';
import type { RegisterAgentCommand } from './agent.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** bin/pitwall.js of this installation, run by this Node: what the aliases and the service call. */
function pitwallCommand(): string[] {
  const bin = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'bin', 'pitwall.js');
  return [process.execPath, bin];
}

/**
 * Where install writes: HOME from the environment, system paths under PITWALL_INSTALL_ROOT
 * (default `/`; lets a packaging step or a test stage the files elsewhere).
 */
function place(ctx: CliContext, system: boolean): InstallPlace {
  return { home: homeOf(ctx.env), root: ctx.env.PITWALL_INSTALL_ROOT || '/', env: ctx.env, system };
}

/** `pitwall agent install` and `pitwall agent uninstall`. */
export const registerAgentInstall: RegisterAgentCommand = (agent, program, ctx: CliContext) => {
  agent
    .command('install')
    .description("add the hook to the shell's start-up file (installing twice changes nothing)")
    .addOption(new Option('--shell <shell>', 'bash, zsh or fish (default: from $SHELL)').choices(SHELLS))
    .option(
      '--system',
      'the system-wide start-up files (/etc/bash.bashrc, /etc/zsh/zshrc, /etc/fish/conf.d) for every user',
    )
    .option(
      '--wrap <programs>',
      `alias these to \`pitwall run -- X\` (network use): any of ${WRAPPABLE.join(',')}`,
      collect,
    )
    .addOption(
      new Option('--service <kind>', 'also write a unit running `pitwall agent run`').choices([
        'systemd',
        'launchd',
      ]),
    )
    .action((o: { shell?: Shell; system?: boolean; wrap?: string[]; service?: ServiceKind }) => {
      const shell = o.shell ?? shellFromEnv(ctx.env);
      if (!shell)
        throw invalidArgument(
          `$SHELL (${JSON.stringify(ctx.env.SHELL ?? '')}) is not bash, zsh or fish: name one with --shell bash|zsh|fish`,
        );
      const wrap = parseWrap(o.wrap ?? []);
      const cfg = config(ctx, program);
      const p = place(ctx, Boolean(o.system));
      const r = install({
        ...p,
        shell,
        wrap,
        service: o.service ?? null,
        spoolDir: cfg.agent.spool_dir,
        pitwall: pitwallCommand(),
      });
      ctx.out(
        r.changed.length
          ? `installed the ${shell} hook: ${r.rc} sources ${r.hook}\n`
          : `the ${shell} hook is already installed (${r.rc}): nothing changed\n`,
      );
      if (wrap.length) ctx.out(`aliased to \`pitwall run --\`: ${wrap.join(', ')}\n`);
      if (r.service) {
        ctx.out(`service unit: ${r.service}\n`);
        ctx.out(
          o.service === 'systemd'
            ? `start it with: systemctl --user daemon-reload && systemctl --user enable --now pitwall-agent.service\n`
            : `start it with: launchctl load ${r.service}\n`,
        );
      }
      ctx.out('new shells record their commands; run `exec $SHELL` to start one here\n');
    });
  agent
    .command('uninstall')
    .description('remove exactly what install added (start-up files restored byte for byte)')
    .addOption(
      new Option('--shell <shell>', 'only this shell (default: every shell installed)').choices(SHELLS),
    )
    .option('--system', 'the system-wide install')
    .action((o: { shell?: Shell; system?: boolean }) => {
      const r = uninstall(place(ctx, Boolean(o.system)), o.shell);
      if (!r.restored.length && !r.removed.length)
        return ctx.out('nothing of pitwall agent was installed here\n');
      for (const f of r.restored) ctx.out(`restored ${f}\n`);
      for (const f of r.removed) ctx.out(`removed ${f}\n`);
    });
};
