/** What a channel is asked to deliver: an alert's change of state, or a digest. */
export interface AlertMessage {
  event: 'firing' | 'resolved';
  severity: string;
  /** One line, e.g. "FIRING critical: ci-slow (repo acme/api)". */
  title: string;
  /** A few lines: the value against the threshold, since when, what to do. */
  text: string;
}

export interface DigestMessage {
  subject: string;
  html: string;
  text: string;
  markdown: string;
  /** Email addresses that replace an email channel's own `to` (digests.<period>.recipients). */
  recipients?: readonly string[];
}

/**
 * A named destination from notify.channels. Its secret (webhook URL, SMTP password) lives in
 * the channel object only, read from the environment when the channel was built; a failure's
 * message never contains it, so it can be logged and stored.
 */
export interface Channel {
  name: string;
  type: 'slack' | 'email';
  sendAlert(m: AlertMessage): Promise<void>;
  sendDigest(m: DigestMessage): Promise<void>;
}

/** Replaces every secret in a message by a placeholder: errors of HTTP and SMTP libraries may quote them. */
export function scrub(message: string, secrets: readonly (string | null | undefined)[]): string {
  let out = message;
  for (const s of secrets) if (s && s.length >= 4) out = out.split(s).join('[secret]');
  return out;
}
