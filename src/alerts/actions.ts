import { PitwallError, invalidArgument } from '../errors/errors.js';
import type { Store } from '../store/store.js';
import { alertWrite, readAlert, type Alert } from './state.js';

async function existing(store: Store, id: string): Promise<Alert> {
  const a = await readAlert(store, id);
  if (!a)
    throw new PitwallError('not_found', `no alert with id ${JSON.stringify(id)} (see GET /api/v1/alerts)`);
  return a;
}

/**
 * Someone is on it: the panel shows who and since when. It stays acknowledged until it
 * resolves; the next time it fires it needs a new acknowledgement.
 */
export async function acknowledgeAlert(
  store: Store,
  id: string,
  by: string | null,
  now: Date,
): Promise<Alert> {
  const a = await existing(store, id);
  if (a.state === 'resolved')
    throw invalidArgument(`alert ${id} is resolved: only a firing or pending alert can be acknowledged`, {
      field: 'id',
    });
  const next = { ...a, acknowledgedAt: now, acknowledgedBy: by };
  await store.upsert([{ ...alertWrite([next]), update: ['acknowledged_at', 'acknowledged_by'] }]);
  return next;
}

/** No message about this alert goes out before `until` (null lifts the silence). */
export async function silenceAlert(store: Store, id: string, until: Date | null, now: Date): Promise<Alert> {
  const a = await existing(store, id);
  if (until && until <= now)
    throw invalidArgument(
      `until (${until.toISOString()}) must be in the future: it is when the silence ends`,
      {
        field: 'until',
      },
    );
  const next = { ...a, silencedUntil: until };
  await store.upsert([{ ...alertWrite([next]), update: ['silenced_until'] }]);
  return next;
}
