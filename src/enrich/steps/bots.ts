import { botMatcher, looksLikeBot } from '../../domain/rules.js';
import type { EnrichStep } from '../step.js';

/**
 * Who is a bot: people a source flagged (GitHub's Bot type, a "[bot]" name), authors of pull
 * requests with a "[bot]" login, and whoever `bots.logins` names (by login, name or email).
 * Every "humans only" metric reads this one table, so a config change re-derives it.
 */
export const bots = {
  id: 'bots',
  description: 'bot logins: flagged by their source, "[bot]" names, and bots.logins',
  reads: ['people', 'pull_requests'],
  writes: ['bot_logins'],
  config: (c) => c.bots.logins.map((l) => l.trim().toLowerCase()).sort(),
  async run({ store, config }) {
    const isListed = botMatcher(config.bots.logins);
    const candidates = await store.query<{
      login: string;
      name: string | null;
      email: string | null;
      flagged: boolean;
    }>(
      `select login, name, email, is_bot as flagged from people
       union all select distinct author, null, null, false from pull_requests`,
    );
    const found = new Map<string, string>();
    for (const c of candidates) {
      const reason = c.flagged
        ? 'source'
        : looksLikeBot(c.login, c.email ?? '') || looksLikeBot(c.name ?? '')
          ? 'name'
          : isListed(c.login, c.email ?? '') || isListed(c.name ?? '', '')
            ? 'config'
            : null;
      if (reason && found.get(c.login) !== 'source') found.set(c.login, reason);
    }
    await store.upsert([
      {
        table: 'bot_logins',
        columns: ['login', 'reason'],
        key: ['login'],
        rows: [...found].map(([login, reason]) => [login, reason]),
        replace: true,
      },
    ]);
    return found.size;
  },
} satisfies EnrichStep;
