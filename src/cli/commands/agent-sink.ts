import type { Config } from '../../config/schema.js';
import { PitwallError } from '../../errors/errors.js';
import { recordKinds } from '../../domain/records.js';
import { changeMarks } from '../../ingest/changes.js';
import { prepareWrites } from '../../ingest/ingest.js';
import type { CommandRecord } from '../../agent/enrich.js';
import type { Enricher } from '../../agent/enrich.js';
import type { AgentPaths } from '../../agent/paths.js';
import { httpSink, type AgentRecord, type AgentSink } from '../../agent/sink.js';
import { loadState, saveState } from '../../agent/state.js';
import { runSync, type SyncResult } from '../../agent/sync.js';
import type { SqlValue, Store, TableWrite } from '../../store/store.js';
import { withWritableStore } from '../context.js';

const commandKind = recordKinds.command;

/**
 * The row ingest would make of a command record the agent built (src/agent/enrich.ts makes them
 * in the schema's shape: trimmed texts, nulls, numbers, no NUL): validation skipped, because at
 * tens of thousands of commands a second it cost more than the write. A test holds this equal
 * to what `validateRecords` gives for the same records.
 */
export function commandRow(r: CommandRecord): SqlValue[] {
  const values: Record<string, SqlValue> = { ...r, started_at: new Date(r.started_at) };
  return commandKind.columns.map((c) => values[c] ?? null);
}

/**
 * The local store as the agent's sink, one transaction per batch: commands (the bulk) as rows
 * directly, the agent's few other records (host facts, samples) through ingest.
 */
export function storeSink(store: Store): AgentSink {
  return {
    name: store.location,
    async ship(records) {
      const commands: SqlValue[][] = [];
      const others: AgentRecord[] = [];
      for (const r of records)
        if (r.kind === 'command') commands.push(commandRow(r as CommandRecord));
        else others.push(r);
      const writes: TableWrite[] = others.length ? prepareWrites(others).writes : [];
      if (commands.length)
        writes.push(
          { table: commandKind.table, columns: commandKind.columns, key: commandKind.key, rows: commands },
          changeMarks([commandKind.table]),
        );
      await store.upsert(writes);
    },
  };
}

/**
 * One sync to where the config says: `agent.server_url` over HTTP, else the local store
 * (opened for this sync only, so `pitwall agent run` never holds a DuckDB file between syncs,
 * and enrichment runs after it through withWritableStore). A store that cannot be opened is
 * the sync's error, recorded in the state like a server that is down.
 */
export async function syncOnce(
  cfg: Config,
  paths: AgentPaths,
  env: NodeJS.ProcessEnv,
  extra: { enricher?: Enricher; shouldStop?: () => boolean; signal?: AbortSignal } = {},
): Promise<SyncResult> {
  const a = cfg.agent;
  const { signal, ...more } = extra;
  if (a.server_url)
    return runSync({ cfg: a, paths, env, sink: httpSink(a.server_url, a.token, { signal }), ...more });
  try {
    return await withWritableStore(cfg, (store) =>
      runSync({ cfg: a, paths, env, sink: storeSink(store), ...more }),
    );
  } catch (e) {
    const message = (e as Error).message;
    const { state } = loadState(paths.state);
    const at = new Date().toISOString();
    state.last_sync = { started_at: at, finished_at: at, shipped: 0, sink: 'local store', error: message };
    saveState(paths.state, state);
    return { shipped: 0, commands: 0, dropped: 0, bad: 0, removed: 0, error: message };
  }
}

/** A failed sync as the CLI's error: exit 3, with what it means for the data. */
export function syncFailed(r: SyncResult): PitwallError {
  return new PitwallError(
    'store_unavailable',
    `agent sync shipped ${r.commands} commands, then failed: ${r.error}. Nothing is lost: the rest waits in the spool and the next sync retries`,
  );
}

export function describeSync(r: SyncResult): string {
  const parts = [`shipped ${r.commands} commands`];
  if (r.shipped > r.commands) parts.push(`${r.shipped - r.commands} agent records`);
  if (r.dropped) parts.push(`dropped ${r.dropped} oldest lines (spool over agent.spool_max_mb)`);
  if (r.bad) parts.push(`${r.bad} bad lines skipped`);
  if (r.removed) parts.push(`removed ${r.removed} finished session files`);
  return parts.join(', ');
}
