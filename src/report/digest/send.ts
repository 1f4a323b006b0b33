import type { Channel } from '../../alerts/channels/index.js';
import type { Digest } from './build.js';
import { digestHtml, digestMarkdown, digestText } from './render.js';

/**
 * Sends a digest to each named channel: email gets the HTML with a text part, a Slack or
 * Mattermost webhook the markdown. Every channel is tried; the failures are returned, not thrown.
 */
export async function sendDigest(
  d: Digest,
  channels: ReadonlyMap<string, Channel>,
  names: readonly string[],
  recipients: readonly string[] = [],
): Promise<{ channel: string; ok: boolean; error?: string }[]> {
  const message = {
    subject: d.subject,
    html: digestHtml(d),
    text: digestText(d),
    markdown: digestMarkdown(d),
    recipients,
  };
  const out: { channel: string; ok: boolean; error?: string }[] = [];
  for (const name of names) {
    const ch = channels.get(name);
    try {
      if (!ch) throw new Error(`channel ${name} is not configured in notify.channels`);
      await ch.sendDigest(message);
      out.push({ channel: name, ok: true });
    } catch (e) {
      out.push({ channel: name, ok: false, error: (e as Error).message });
    }
  }
  return out;
}
