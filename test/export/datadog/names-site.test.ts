import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { client } from '@datadog/datadog-api-client';
import { afterAll, describe, expect, it } from 'vitest';
import { datadogConfiguration } from '../../../src/export/datadog/client.js';
import { datadogSection } from '../../../src/export/datadog/config.js';
import { apiKey, datadogTarget } from '../../../src/export/datadog/credentials.js';
import { categoryTag, datadogName, datadogTag, percentileTag } from '../../../src/export/datadog/names.js';
import { dayBuckets, seriesKind } from '../../../src/export/metric-series.js';
import { loadConfig } from '../../../src/plugins.js';
import { registryFor } from '../../../src/metrics/definitions/index.js';

const cfg = (o: Record<string, unknown> = {}) => datadogSection.parse(o);

describe('datadog names and tags', () => {
  it('keeps the registry name, adds a prefix, and tags the category and percentile', () => {
    expect(datadogName('github.prs.cycle_time_hours')).toBe('github.prs.cycle_time_hours');
    expect(datadogName('github.prs.cycle_time_hours', { prefix: 'pitwall' })).toBe(
      'pitwall.github.prs.cycle_time_hours',
    );
    expect(() => datadogName('github.prs')).toThrow(/\{service\}\.\{category\}\.\{metric\}/);
    expect(() => datadogName('ci.runs.count', { prefix: '9lives' })).toThrow(/start with a letter/);
    expect(categoryTag('ci.runs.duration_p90_minutes')).toBe('category:runs');
    expect(datadogTag('team', 'Payments Core')).toBe('team:payments_core');
    expect([0.5, 0.9, 0.95, 0.99].map(percentileTag)).toEqual([
      'percentile:p50',
      'percentile:p90',
      'percentile:p95',
      'percentile:p99',
    ]);
  });

  it('types counts, percentiles and gauges from the registry aggregate', () => {
    const r = registryFor(loadConfig({ cwd: '/nonexistent', env: {} }));
    expect(seriesKind(r.get('ci.runs.count'))).toEqual({ kind: 'count' });
    expect(seriesKind(r.get('git.lines.added'))).toEqual({ kind: 'count' });
    expect(seriesKind(r.get('ci.runs.duration_p90_minutes'))).toEqual({ kind: 'percentile', quantile: 0.9 });
    // Distinct people are not additive across days; rates and query metrics are gauges.
    expect(seriesKind(r.get('git.contributors.active')).kind).toBe('gauge');
    expect(seriesKind(r.get('ci.runs.success_rate')).kind).toBe('gauge');
    expect(seriesKind(r.get('github.prs.open')).kind).toBe('gauge');
  });

  it('buckets whole UTC days from the day of since', () => {
    const b = dayBuckets(new Date('2025-02-26T15:00:00Z'), new Date('2025-03-01T06:00:00Z'));
    expect(b.map((d) => d.toISOString().slice(0, 10))).toEqual([
      '2025-02-26',
      '2025-02-27',
      '2025-02-28',
      '2025-03-01',
    ]);
  });
});

describe('datadog site and keys', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pitwall-ddkey-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const url = (site: Record<string, unknown>, env: Record<string, string> = {}) => {
    const c = cfg(site);
    const conf = datadogConfiguration(c, datadogTarget(c, env), { apiKey: 'k' });
    return conf
      .getServer('v2.MetricsApi.submitMetrics')
      .makeRequestContext('/api/v2/series', client.HttpMethod.POST)
      .getUrl();
  };

  it('sends to the site from DD_SITE or datadog.site', () => {
    expect(url({})).toBe('https://api.datadoghq.com/api/v2/series');
    expect(url({ site: 'eu' })).toBe('https://api.datadoghq.eu/api/v2/series');
    expect(url({ site: 'us3' })).toBe('https://api.us3.datadoghq.com/api/v2/series');
    expect(url({ site: 'us5.datadoghq.com' })).toBe('https://api.us5.datadoghq.com/api/v2/series');
    expect(url({ site: 'ap1' })).toBe('https://api.ap1.datadoghq.com/api/v2/series');
    expect(url({}, { DD_SITE: 'ddog-gov.com' })).toBe('https://api.ddog-gov.com/api/v2/series');
    expect(url({ api_url: 'http://127.0.0.1:9999' })).toBe('http://127.0.0.1:9999/api/v2/series');
    expect(() => url({}, { DD_SITE: 'datadoghq.mars' })).toThrow(
      /DD_SITE "datadoghq.mars" is not a Datadog site: use one of us1/,
    );
    expect(() => cfg({ site: 'mars' })).toThrow(/expected a Datadog site/);
  });

  it('reads the key from DD_API_KEY, else the key file, and never puts it in an error', () => {
    const file = join(dir, 'api-key');
    writeFileSync(file, 'file-key-789\n');
    expect(apiKey(cfg({ api_key_file: file }), {}, dir)).toBe('file-key-789');
    expect(apiKey(cfg({ api_key_file: file }), { DD_API_KEY: 'env-key' }, dir)).toBe('env-key');
    expect(() => apiKey(cfg({ api_key_file: join(dir, 'missing') }), {}, dir)).toThrow(
      /datadog\.api_key_file .* cannot be read \(ENOENT\)/,
    );
    writeFileSync(file, '\n');
    expect(() => apiKey(cfg({ api_key_file: file }), {}, dir)).toThrow(/is empty/);
    expect(() => apiKey(cfg(), {}, dir)).toThrow(/set DD_API_KEY/);
  });
});
