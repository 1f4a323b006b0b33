import { z } from 'zod';
import { PitwallError } from '../../errors/errors.js';

/** One value of an instant query: a vector sample's labels (none for a scalar) and its value. */
export interface PromSample {
  labels: Record<string, string>;
  value: number;
}

const answer = z.object({
  status: z.enum(['success', 'error']),
  errorType: z.string().optional(),
  error: z.string().optional(),
  data: z
    .object({
      resultType: z.string(),
      result: z.unknown(),
    })
    .optional(),
});
const vector = z.array(
  z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) }),
);
const scalar = z.tuple([z.number(), z.string()]);

/** The URL without credentials, for messages. */
const shown = (base: string) => {
  const u = new URL(base);
  return `${u.origin}${u.pathname.replace(/\/+$/, '')}`;
};

export interface QueryRequest {
  prometheusUrl: string;
  query: string;
  /** Evaluation time: every value of one run is read at the same instant. */
  at: Date;
  token?: string;
  /** Named in a 401/403 message, so the fix is clear without showing the token. */
  tokenEnv?: string;
  timeoutMs: number;
}

/**
 * An instant query through Prometheus' HTTP API (POST /api/v1/query, form-encoded, so a long
 * query fits). A scalar is one value without labels, a vector one value per series; a range
 * vector or a string is refused with the fix. The token travels only in the Authorization header
 * and is cut out of any message.
 */
export async function instantQuery(q: QueryRequest): Promise<PromSample[]> {
  const where = shown(q.prometheusUrl);
  const hide = (m: string) => (q.token ? m.split(q.token).join('***') : m);
  let res: Response;
  try {
    res = await fetch(`${q.prometheusUrl.replace(/\/+$/, '')}/api/v1/query`, {
      method: 'POST',
      headers: {
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        ...(q.token ? { authorization: `Bearer ${q.token}` } : {}),
      },
      body: new URLSearchParams({ query: q.query, time: String(q.at.getTime() / 1000) }).toString(),
      signal: AbortSignal.timeout(q.timeoutMs),
    });
  } catch (e) {
    const err = e as Error & { cause?: Error };
    throw new PitwallError(
      'collector_failed',
      hide(`Prometheus unreachable at ${where}: ${err.cause?.message ?? err.message}`),
    );
  }
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel().catch(() => undefined);
    throw new PitwallError(
      'collector_failed',
      `Prometheus at ${where} answered ${res.status}: ${q.tokenEnv ? `check the token in ${q.tokenEnv}` : 'it wants credentials: set token_env to the name of a variable holding a bearer token'}`,
    );
  }
  const text = await res.text();
  let body: z.output<typeof answer>;
  try {
    body = answer.parse(JSON.parse(text));
  } catch {
    throw new PitwallError(
      'collector_failed',
      hide(
        `Prometheus at ${where} answered ${res.status} without a query result (is prometheus_url Prometheus' root URL?): ${text.slice(0, 200)}`,
      ),
    );
  }
  if (body.status === 'error' || !body.data)
    throw new PitwallError(
      'collector_failed',
      `Prometheus at ${where} refused the query ${JSON.stringify(q.query)}: ${body.errorType ?? 'error'}: ${body.error ?? 'no detail'}`,
    );
  const { resultType, result } = body.data;
  if (resultType === 'scalar') {
    const [, v] = scalar.parse(result);
    return [{ labels: {}, value: Number(v) }];
  }
  if (resultType === 'vector')
    return vector.parse(result).map((s) => ({ labels: s.metric, value: Number(s.value[1]) }));
  throw new PitwallError(
    'collector_failed',
    `the query ${JSON.stringify(q.query)} returned a ${resultType === 'matrix' ? 'range vector' : resultType}: give an instant vector or a scalar (e.g. wrap a range in avg_over_time(...) or rate(...))`,
  );
}
