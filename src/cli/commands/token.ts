import type { Command } from 'commander';
import { TokenStore } from '../../server/tokens.js';
import { config, jsonOption, printJson, rowsTable, withStore, type CliContext } from '../context.js';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `pitwall token create|list|revoke`: API tokens, stored as hashes; the raw token is printed once. */
export function registerToken(program: Command, ctx: CliContext): void {
  const token = program
    .command('token')
    .description('API tokens for pitwall serve (scopes: ingest, read, admin)');
  token
    .command('create')
    .description('create a token and print it once (only its hash is stored)')
    .requiredOption('--name <name>', 'who or what uses it, e.g. "argo-cd"')
    .requiredOption('--scope <scope>', 'ingest, read or admin (repeatable)', collect)
    .addOption(jsonOption())
    .action(async (o: { name: string; scope: string[]; json?: boolean }) => {
      const cfg = config(ctx, program);
      const created = await withStore(cfg, (store) => new TokenStore(store).create(o.name, o.scope));
      if (o.json) return printJson(ctx, { ...created, name: o.name, scopes: o.scope });
      ctx.out(`${created.token}\n`);
      ctx.err(`token ${created.id} (${o.name}: ${o.scope.join(', ')}): copy it now, it is not shown again\n`);
    });
  token
    .command('list')
    .description('tokens: id, name, scopes, created, last used, revoked (never the token)')
    .addOption(jsonOption())
    .action(async (o: { json?: boolean }) => {
      const cfg = config(ctx, program);
      const rows = await withStore(cfg, (store) => new TokenStore(store).list());
      if (o.json) return printJson(ctx, rows);
      ctx.out(
        rows.length ? rowsTable(rows.map((r) => ({ ...r, scopes: r.scopes.join(',') }))) : 'no tokens\n',
      );
    });
  token
    .command('revoke')
    .description('revoke a token by id')
    .argument('<id>', 'the id printed by token create or token list')
    .action(async (id: string) => {
      const cfg = config(ctx, program);
      await withStore(cfg, (store) => new TokenStore(store).revoke(id));
      ctx.out(`revoked token ${id}\n`);
    });
}
