import pRetry, { AbortError } from 'p-retry';
import type { AlertMessage, Channel, DigestMessage } from './channel.js';
import { scrub } from './channel.js';

const COLORS: Record<string, string> = { critical: '#d0312d', warning: '#e8a317', info: '#3b73b9' };

export interface SlackOptions {
  name: string;
  /** The incoming webhook's URL: a secret, kept here only. */
  url: string;
  /** Tries after the first, with exponential backoff. */
  retries: number;
  /** The first backoff; doubles each retry. */
  minBackoffMs?: number;
  fetch?: typeof fetch;
}

/**
 * A Slack incoming webhook: one JSON POST per message (`text` plus a coloured attachment),
 * the payload Mattermost's incoming webhooks read too. Server errors, 429 and network failures
 * are retried with backoff; another 4xx (a revoked webhook) is not, since it will not heal.
 */
export function slackChannel(o: SlackOptions): Channel {
  const doFetch = o.fetch ?? ((input, init) => fetch(input, init));
  const post = (payload: unknown) =>
    pRetry(
      async () => {
        let res: Response;
        try {
          res = await doFetch(o.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(payload),
            signal: AbortSignal.timeout(10_000),
          });
        } catch (e) {
          // undici: TypeError('fetch failed') whose cause (or its AggregateError's first) has the code.
          const c = (e as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } })
            .cause;
          const cause = c?.code ?? c?.errors?.[0]?.code ?? c?.message ?? (e as Error).name;
          // The URL is never in the message: fetch's errors may carry it in their cause.
          // eslint-disable-next-line preserve-caught-error -- the cause may quote the URL, a secret
          throw new Error(`slack channel ${o.name}: the webhook could not be reached (${cause})`);
        }
        await res.body?.cancel();
        if (res.ok) return;
        const err = new Error(`slack channel ${o.name}: the webhook answered HTTP ${res.status}`);
        if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new AbortError(err);
        throw err;
      },
      { retries: o.retries, minTimeout: o.minBackoffMs ?? 1_000, factor: 2, randomize: false },
    ).catch((e: unknown) => {
      throw new Error(scrub((e as Error).message, [o.url]));
    });
  return {
    name: o.name,
    type: 'slack',
    sendAlert: (m: AlertMessage) =>
      post({
        text: m.title,
        attachments: [
          {
            color: m.event === 'resolved' ? '#2e8540' : (COLORS[m.severity] ?? COLORS.warning),
            title: m.title,
            text: m.text,
          },
        ],
      }),
    sendDigest: (m: DigestMessage) => post({ text: `**${m.subject}**\n\n${m.markdown}` }),
  };
}
