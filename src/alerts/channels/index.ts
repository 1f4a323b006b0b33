import { PitwallError } from '../../errors/errors.js';
import type { NotifyConfig } from '../config.js';
import type { Channel } from './channel.js';
import { emailChannel } from './email.js';
import { slackChannel } from './slack.js';

export type { AlertMessage, Channel, DigestMessage } from './channel.js';

export interface ChannelRuntime {
  /** Where the secrets are: the server's (or the CLI's) environment. */
  env: Readonly<Record<string, string | undefined>>;
  /** The first retry's backoff for webhooks (default 1 s). */
  minBackoffMs?: number;
}

/**
 * The channels of notify.channels, with their secrets read from the environment variables the
 * config names. A variable that is unset is a config error naming the key and the variable.
 */
export function buildChannels(notify: NotifyConfig, rt: ChannelRuntime): Map<string, Channel> {
  const out = new Map<string, Channel>();
  const secret = (name: string, key: string, variable: string) => {
    const v = rt.env[variable];
    if (!v)
      throw new PitwallError(
        'invalid_config',
        `config key "notify.channels.${name}.${key}": the environment variable ${variable} is not set: set it where Pitwall runs (it holds a secret, so it is never read from pitwall.yaml)`,
      );
    return v;
  };
  for (const [name, c] of Object.entries(notify.channels)) {
    if (c.type === 'slack')
      out.set(
        name,
        slackChannel({
          name,
          url: secret(name, 'webhook_url_env', c.webhook_url_env),
          retries: c.retries,
          minBackoffMs: rt.minBackoffMs,
        }),
      );
    else
      out.set(
        name,
        emailChannel({
          name,
          host: c.host,
          port: c.port,
          secure: c.secure,
          user: c.user_env ? secret(name, 'user_env', c.user_env) : null,
          password: c.password_env ? secret(name, 'password_env', c.password_env) : null,
          from: c.from,
          to: c.to,
        }),
      );
  }
  return out;
}
