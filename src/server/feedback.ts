import { randomUUID } from 'node:crypto';
import type { Context, Hono, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import { storedAuthor, type FeedbackRecord } from '../collectors/feedback/csv.js';
import { textProblem } from '../domain/storable.js';
import { instant } from '../domain/time.js';
import { PitwallError, invalidArgument } from '../errors/errors.js';
import { ingest } from '../ingest/ingest.js';
import { feedbackSummary } from '../report/feedback.js';
import { readAccess, requireScope, type AuthOptions } from './auth.js';
import { jsonBody, limitBody, queryOf } from './body.js';
import type { AppEnv, ServerContext } from './context.js';
import { fromZod, toEnvelope } from './errors.js';
import { renderFeedbackForm } from './feedback-form.js';
import { windowQuery } from './params.js';
import { readerOf, readWindow } from './reads.js';

const clean = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max)
    .superRefine((s, c) => {
      const problem = textProblem(s);
      if (problem) c.addIssue({ code: 'custom', message: problem });
    });
const FORM_FIELDS = ['category', 'sentiment', 'text', 'team'];
const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** One piece of feedback; `author` only through the API with a token (the form is anonymous). */
function feedbackBody(categories: readonly string[]) {
  return z
    .object({
      category: z.enum(categories as [string, ...string[]], {
        error: `expected one of ${categories.join(', ')} (feedback.categories)`,
      }),
      sentiment: z.enum(['praise', 'friction', 'idea', 'other'], {
        error: 'expected praise, friction, idea or other',
      }),
      text: clean(5000),
      team: z.preprocess(blankToUndefined, clean(200).optional()),
      author: z.preprocess(blankToUndefined, clean(200).optional()),
      occurred_at: instant.optional(),
      /** A caller's own id makes a retried POST idempotent. */
      id: clean(200).optional(),
    })
    .strict();
}
type Body = z.output<ReturnType<typeof feedbackBody>>;

/** A write without a token must come from this server's own pages, never from another site's form. */
function sameOrigin(c: Context<AppEnv>): void {
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const host = new URL(c.req.url).host;
  const cross =
    (site !== undefined && site !== 'same-origin' && site !== 'none') ||
    (origin !== undefined && (origin === 'null' || safeHost(origin) !== host));
  if (cross)
    throw new PitwallError(
      'forbidden',
      'feedback without a token is taken only from this server’s own form (a same-origin post): link or embed /feedback instead of posting from another site',
      { origin: origin ?? null },
    );
}
const safeHost = (origin: string) => {
  try {
    return new URL(origin).host;
  } catch {
    return null;
  }
};

async function write(ctx: ServerContext, b: Body): Promise<FeedbackRecord> {
  const record: FeedbackRecord = {
    kind: 'feedback',
    id: b.id ?? `fb-${randomUUID()}`,
    occurred_at: b.occurred_at ?? ctx.clock(),
    author: storedAuthor(ctx.config.feedback, b.author ?? null, 'body author'),
    team: b.team ?? null,
    category: b.category,
    sentiment: b.sentiment,
    text: b.text,
  };
  await ingest(ctx.store, [record]).catch((e: unknown) => {
    if (e instanceof PitwallError && e.code === 'invalid_records')
      throw invalidArgument(e.message, e.details);
    throw e;
  });
  await ctx.enrich.ensure();
  return record;
}

/**
 * POST /api/v1/feedback, GET /api/v1/feedback/summary, and the form (GET/POST /feedback).
 * Writes need the ingest scope; with feedback.public_form, anonymous feedback (no author) may
 * come without a token, but only same-origin (the form, or a script on this server's pages).
 */
export function feedbackRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  const settings = ctx.config.feedback;
  const body = feedbackBody(settings.categories);
  const read = readAccess(ctx, auth);
  const ingestScope = requireScope(ctx, auth, 'ingest');
  const tokenOrPublic: MiddlewareHandler<AppEnv> = (c, next) =>
    c.req.header('authorization') || !settings.public_form ? ingestScope(c, next) : next();

  app.post('/api/v1/feedback', tokenOrPublic, async (c) => {
    const b = await jsonBody(c, body);
    if (!c.get('principal')) {
      sameOrigin(c);
      if (b.author)
        throw new PitwallError(
          'unauthorized',
          'body author: feedback with an author needs a token with the ingest scope; leave author out for anonymous feedback',
          { field: 'author' },
        );
    }
    const r = await write(ctx, b);
    return c.json({ id: r.id, occurred_at: r.occurred_at, anonymous: r.author === null }, 201);
  });

  app.get('/api/v1/feedback/summary', read, async (c) => {
    const q = queryOf(c, windowQuery);
    const w = await readWindow(ctx, q);
    return c.json(
      await feedbackSummary(readerOf(c, ctx), ctx.registry, ctx.config.feedback, {
        ...w,
        team: q.team ?? null,
      }),
    );
  });

  const frame = { 'content-security-policy': `frame-ancestors ${settings.frame_ancestors.join(' ')}` };
  const page = (c: Context<AppEnv>, html: string, status: 200 | 400 | 403 = 200) =>
    c.html(html, status, { ...frame, 'cache-control': 'no-store' });
  const categories = settings.categories;

  app.get('/feedback', (c) => {
    const q = c.req.query();
    return page(
      c,
      renderFeedbackForm({
        categories,
        enabled: settings.public_form,
        values: { category: q.category, team: q.team, sentiment: q.sentiment },
      }),
      settings.public_form ? 200 : 403,
    );
  });

  app.post('/feedback', limitBody(64 * 1024), async (c) => {
    if (!settings.public_form) return page(c, renderFeedbackForm({ categories, enabled: false }), 403);
    const form = await c.req.parseBody();
    const values = Object.fromEntries(
      FORM_FIELDS.map((k) => [k, typeof form[k] === 'string' ? form[k] : undefined]),
    );
    try {
      sameOrigin(c);
      // The form is anonymous: an author (or any other field) in the post is refused, never stored.
      const extra = Object.keys(form).find((k) => !FORM_FIELDS.includes(k));
      if (extra)
        throw invalidArgument(
          `form ${extra}: the form takes only ${FORM_FIELDS.join(', ')} (it is anonymous: send authored feedback to POST /api/v1/feedback with a token)`,
          { field: extra },
        );
      const parsed = body.omit({ author: true, id: true, occurred_at: true }).strict().safeParse(values);
      if (!parsed.success) throw fromZod('form', parsed.error);
      await write(ctx, parsed.data);
      return page(
        c,
        renderFeedbackForm({ categories, enabled: true, done: true, values: { team: values.team } }),
      );
    } catch (e) {
      const { status, body: envelope } = toEnvelope(e);
      if (status >= 500) throw e;
      return page(
        c,
        renderFeedbackForm({ categories, enabled: true, values, error: envelope.error.message }),
        status === 403 ? 403 : 400,
      );
    }
  });
}
