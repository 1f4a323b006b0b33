import * as semconv from '@opentelemetry/semantic-conventions/incubating';
import { describe, expect, it } from 'vitest';
import { recordKinds } from '../../src/domain/records.js';
import { CICD } from '../../src/listeners/otlp/cicd.js';
import { quantileLabel } from '../../src/listeners/otlp/metrics.js';
import { metricName } from '../../src/listeners/otlp/names.js';
import { explicitQuantiles, exponentialQuantiles } from '../../src/listeners/otlp/quantiles.js';
import { mapTraces, OtlpMappingError } from '../../src/listeners/otlp/spans.js';
import { instantOf } from '../../src/listeners/otlp/values.js';
import { decodeTraces, encodeTraces } from '../../src/listeners/otlp/wire.js';

const ns = (iso: string) => String(BigInt(Date.parse(iso)) * 1_000_000n);
const str = (key: string, v: string) => ({ key, value: { stringValue: v } });

describe('OTLP metric names', () => {
  it.each([
    ['http.server.request.duration', 'http.server.request.duration'],
    ['queue.Depth', 'queue.depth'],
    ['http.serverDuration', 'http.server_duration'],
    ['requests', 'otel.requests'],
    ['jvm/gc-pause time', 'otel.jvm_gc_pause_time'],
    ['a..b.', 'a.b'],
    ['!!!', null],
  ])('%s -> %s', (raw, want) => {
    const name = metricName(raw);
    expect(name).toBe(want);
    if (name) expect(recordKinds.metric_point.schema.shape.name.safeParse(name).success).toBe(true);
  });
});

describe('span times', () => {
  it('truncates nanoseconds to the millisecond exactly, as decoded from protobuf', () => {
    const req = decodeTraces(
      encodeTraces({
        resourceSpans: [
          {
            scopeSpans: [
              {
                spans: [{ startTimeUnixNano: '1762041600249999999', endTimeUnixNano: '1762041600250000000' }],
              },
            ],
          },
        ],
      }),
      'protobuf',
    );
    const span = req.resourceSpans![0]!.scopeSpans![0]!.spans![0]!;
    expect(instantOf(span.startTimeUnixNano)).toBe('2025-11-02T00:00:00.249Z');
    expect(instantOf(span.endTimeUnixNano)).toBe('2025-11-02T00:00:00.250Z');
    expect(instantOf('0')).toBeNull();
    expect(instantOf(null)).toBeNull();
  });
});

describe('summary quantiles', () => {
  it('names each quantile as a metric name part', () => {
    expect([0, 0.5, 0.9, 0.95, 0.999, 1].map(quantileLabel)).toEqual([
      'min',
      'p50',
      'p90',
      'p95',
      'p99_9',
      'max',
    ]);
  });
});

describe('percentiles from buckets', () => {
  it('interpolates inside the explicit bucket holding the rank, clamped to min and max', () => {
    // 10 values in [1,10], 10 in (10,19] (the max cuts the bucket): the median is the top of the
    // first bucket, p90 is 80% into the second.
    const q = explicitQuantiles([10, 10, 0], [10, 20], 1, 19);
    expect(q.p50).toBe(10);
    expect(q.p90).toBeCloseTo(10 + 9 * 0.8, 9);
    expect(q.p99).toBeCloseTo(10 + 9 * 0.98, 9);
    // Everything in the overflow bucket: between the exact min and max.
    expect(explicitQuantiles([0, 0, 4], [10, 20], 25, 40).p99).toBeCloseTo(25 + 15 * 0.99, 9);
  });

  it('stays within the bucket width of exponential histograms, negative values included', () => {
    const scale = 3;
    const base = 2 ** (2 ** -scale);
    const values = Array.from({ length: 1000 }, (_, i) => 1 + i * 0.37);
    const idx = (v: number) => Math.ceil(Math.log(v) / Math.log(base)) - 1;
    const offset = idx(values[0]!);
    const counts: number[] = [];
    for (const v of values) counts[idx(v) - offset] = (counts[idx(v) - offset] ?? 0) + 1;
    const q = exponentialQuantiles({
      scale,
      zeroCount: 0,
      positive: { offset, counts: Array.from(counts, (c) => c ?? 0) },
      negative: { offset: 0, counts: [] },
    });
    for (const [label, p] of [
      ['p50', 0.5],
      ['p90', 0.9],
      ['p99', 0.99],
    ] as const) {
      const exact = values[Math.ceil(p * values.length) - 1]!;
      expect(Math.abs(q[label]! - exact) / exact).toBeLessThan(base - 1);
    }
    const neg = exponentialQuantiles({
      scale: 0,
      zeroCount: 1,
      positive: { offset: 0, counts: [] },
      negative: { offset: 0, counts: [9] },
    });
    expect(neg.p50).toBeLessThan(-1);
    expect(neg.p50).toBeGreaterThanOrEqual(-2);
    expect(neg.p99).toBe(0);
  });
});

describe('CI/CD semantic conventions', () => {
  it('uses the attribute names of @opentelemetry/semantic-conventions', () => {
    expect(CICD).toMatchObject({
      pipelineName: semconv.ATTR_CICD_PIPELINE_NAME,
      runId: semconv.ATTR_CICD_PIPELINE_RUN_ID,
      result: semconv.ATTR_CICD_PIPELINE_RESULT,
      runUrl: semconv.ATTR_CICD_PIPELINE_RUN_URL_FULL,
      taskName: semconv.ATTR_CICD_PIPELINE_TASK_NAME,
      taskRunId: semconv.ATTR_CICD_PIPELINE_TASK_RUN_ID,
      taskType: semconv.ATTR_CICD_PIPELINE_TASK_TYPE,
      taskResult: semconv.ATTR_CICD_PIPELINE_TASK_RUN_RESULT,
      workerName: semconv.ATTR_CICD_WORKER_NAME,
      repoUrl: semconv.ATTR_VCS_REPOSITORY_URL_FULL,
      refHead: semconv.ATTR_VCS_REF_HEAD_NAME,
      revision: semconv.ATTR_VCS_REF_HEAD_REVISION,
    });
  });

  it("reads the collector's GitHub receiver layout: one job per task run, queue from its queue span, steps as spans", () => {
    const trace = 'ab'.repeat(16);
    const job = '11'.repeat(8);
    const span = (
      spanId: string,
      parent: string | null,
      name: string,
      from: string,
      to: string,
      attrs: unknown[] = [],
    ) => ({
      traceId: trace,
      spanId,
      parentSpanId: parent ?? '',
      name,
      startTimeUnixNano: ns(from),
      endTimeUnixNano: ns(to),
      attributes: attrs,
      status: { code: 1 },
    });
    const req = decodeTraces(
      Buffer.from(
        JSON.stringify({
          resourceSpans: [
            {
              resource: {
                attributes: [
                  str('vcs.repository.name', 'widgets'),
                  str('vcs.owner.name', 'acme'),
                  str('cicd.pipeline.name', 'test (1.23)'),
                  { key: 'cicd.pipeline.task.run.id', value: { intValue: '40685651258' } },
                  str('cicd.pipeline.run.task.status', 'success'),
                  str('cicd.pipeline.worker.name', 'GitHub Actions 320'),
                ],
              },
              scopeSpans: [
                {
                  spans: [
                    span(job, 'aa'.repeat(8), 'test (1.23)', '2025-04-16T21:08:58Z', '2025-04-16T21:10:25Z'),
                    span(
                      '22'.repeat(8),
                      job,
                      'queue-test (1.23)',
                      '2025-04-16T21:08:58Z',
                      '2025-04-16T21:09:03Z',
                      [{ key: 'cicd.pipeline.run.queue.duration', value: { doubleValue: 5e9 } }],
                    ),
                    span('33'.repeat(8), job, 'Set up job', '2025-04-16T21:09:02Z', '2025-04-16T21:09:04Z', [
                      str('cicd.pipeline.task.name', 'Set up job'),
                    ]),
                  ],
                },
              ],
            },
          ],
        }),
      ),
      'json',
    );
    const { records, warnings } = mapTraces(req);
    expect(warnings).toEqual([]);
    expect(records.filter((r) => r.kind === 'span')).toHaveLength(3);
    const jobs = records.filter((r) => r.kind === 'pipeline_job');
    expect(jobs).toEqual([
      expect.objectContaining({
        repo: 'acme/widgets',
        job_id: '40685651258',
        name: 'test (1.23)',
        // Its run is in another export (the workflow_run event): linked by the trace.
        run_id: trace,
        created_at: '2025-04-16T21:08:58.000Z',
        started_at: '2025-04-16T21:09:03.000Z',
        completed_at: '2025-04-16T21:10:25.000Z',
        conclusion: 'success',
        runner: 'GitHub Actions 320',
      }),
    ]);
    expect(records.some((r) => r.kind === 'pipeline_run')).toBe(false);
  });

  it('stores a pipeline run without a repository as a span only, and says so', () => {
    const req = decodeTraces(
      Buffer.from(
        JSON.stringify({
          resourceSpans: [
            {
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: 'cd'.repeat(16),
                      spanId: '44'.repeat(8),
                      name: 'cicd.pipeline.run',
                      startTimeUnixNano: ns('2025-01-01T00:00:00Z'),
                      endTimeUnixNano: ns('2025-01-01T00:01:00Z'),
                    },
                  ],
                },
              ],
            },
          ],
        }),
      ),
      'json',
    );
    const { records, warnings } = mapTraces(req);
    expect(records.map((r) => r.kind)).toEqual(['span']);
    expect(warnings[0]).toMatch(/names no repository .*stored as a span only/);
  });

  it('refuses a span with an all-zero trace id or no name, naming where it is', () => {
    const one = (s: Record<string, unknown>) =>
      decodeTraces(
        Buffer.from(JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans: [s] }] }] })),
        'json',
      );
    const ok = {
      traceId: 'ef'.repeat(16),
      spanId: '55'.repeat(8),
      name: 'x',
      startTimeUnixNano: ns('2025-01-01T00:00:00Z'),
    };
    expect(() => mapTraces(one({ ...ok, traceId: '00'.repeat(16) }))).toThrow(OtlpMappingError);
    expect(() => mapTraces(one({ ...ok, name: ' ' }))).toThrow(/spans\[0\]: name is empty/);
    expect(() => mapTraces(one({ ...ok, startTimeUnixNano: '0' }))).toThrow(/startTimeUnixNano is missing/);
  });
});
