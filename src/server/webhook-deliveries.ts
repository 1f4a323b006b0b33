import { invalidArgument } from '../errors/errors.js';
import type { Queryable } from '../store/store.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The delivery id GitHub sends with every webhook (a GUID, the same on a redelivery), or null
 * when a sender omits it. Bounded, so a hostile id cannot outgrow the store's key index.
 */
export function deliveryIdOf(header: string | undefined): string | null {
  const id = header?.trim();
  if (!id) return null;
  if (!/^[\x21-\x7e]{1,200}$/.test(id))
    throw invalidArgument(
      'X-GitHub-Delivery must be 1 to 200 printable ASCII characters (GitHub sends a GUID)',
      { field: 'X-GitHub-Delivery' },
    );
  return id;
}

/**
 * Remembers a delivery in the transaction that writes its records: true the first time, false
 * for a replay (nothing to write). A failed write rolls the claim back, so GitHub's redelivery
 * of it is still handled. Ids older than the retention are forgotten here as well.
 */
export async function claimDelivery(
  tx: Queryable,
  id: string,
  now: Date,
  retentionDays: number,
): Promise<boolean> {
  await tx.query('delete from webhook_deliveries where received_at < $1::timestamp', [
    new Date(now.getTime() - retentionDays * DAY_MS),
  ]);
  const claimed = await tx.query(
    'insert into webhook_deliveries (id, received_at) values ($1, $2::timestamp) on conflict (id) do nothing returning id',
    [id, now],
  );
  return claimed.length === 1;
}
