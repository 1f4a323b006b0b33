import nodemailer from 'nodemailer';
import type { AlertMessage, Channel, DigestMessage } from './channel.js';
import { scrub } from './channel.js';

export interface EmailOptions {
  name: string;
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  /** A secret, kept here only. */
  password: string | null;
  from: string;
  to: readonly string[];
}

/** Email over SMTP (nodemailer): alerts as plain text, digests as HTML with a text part. */
export function emailChannel(o: EmailOptions): Channel {
  const transport = nodemailer.createTransport({
    host: o.host,
    port: o.port,
    secure: o.secure,
    ...(o.user ? { auth: { user: o.user, pass: o.password ?? '' } } : {}),
    // nodemailer's own logging would print the SMTP conversation, AUTH included: keep it off.
    logger: false,
    debug: false,
  });
  const send = async (mail: { to: readonly string[]; subject: string; text: string; html?: string }) => {
    if (!mail.to.length)
      throw new Error(`email channel ${o.name}: no recipients (set its to: or the digest's recipients:)`);
    try {
      await transport.sendMail({ from: o.from, ...mail, to: [...mail.to] });
    } catch (e) {
      // eslint-disable-next-line preserve-caught-error -- the cause may quote the password
      throw new Error(`email channel ${o.name}: ${scrub((e as Error).message, [o.password])}`);
    }
  };
  return {
    name: o.name,
    type: 'email',
    sendAlert: (m: AlertMessage) => send({ to: o.to, subject: m.title, text: m.text }),
    sendDigest: (m: DigestMessage) =>
      send({
        to: m.recipients?.length ? m.recipients : o.to,
        subject: m.subject,
        text: m.text,
        html: m.html,
      }),
  };
}
