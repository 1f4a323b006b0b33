import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDemo } from '../../src/demo/generate.js';
import { PLANTED_THEMES } from '../../src/demo/feedback.js';
import type { DemoTruth } from '../../src/demo/truth.js';
import { ensureFresh } from '../../src/enrich/index.js';
import { ingestBatches } from '../../src/ingest/ingest.js';
import { registryFor } from '../../src/metrics/definitions/index.js';
import { compileThemes, themesIn } from '../../src/report/feedback-themes.js';
import { feedbackSummary, type FeedbackSummary } from '../../src/report/feedback.js';
import { testConfig } from '../helpers/collect-git.js';
import { ENGINES, openTestStore, type TestStore } from '../helpers/stores.js';

const OPTIONS = { developers: 50, days: 28, seed: 11, end: new Date('2025-03-01T00:00:00Z') };
const config = testConfig();

describe('the planted phrases', () => {
  const themes = compileThemes(config.feedback);
  it('each matches its own starter theme and no other', () => {
    for (const [id, p] of Object.entries(PLANTED_THEMES))
      for (const phrase of p.phrases) expect(themesIn(phrase, themes), phrase).toEqual([id]);
  });
  it('plants the seed’s figure: slow CI mentioned by 18 of 50 developers', () => {
    expect(createDemo(OPTIONS).truth.feedback.themePeople['ci-slow']).toBe(18);
  });
});

describe.each(ENGINES)('feedback drivers recover the demo’s planted themes on %s', (engine) => {
  let t: TestStore;
  let truth: DemoTruth;
  let summary: FeedbackSummary;
  beforeAll(async () => {
    t = await openTestStore(engine);
    const demo = createDemo(OPTIONS);
    truth = demo.truth;
    await ingestBatches(t.store, demo.batches(20_000));
    await ensureFresh(t.store, config);
    summary = await feedbackSummary(t.store, registryFor(config), config.feedback, {
      from: new Date(truth.window.from),
      to: new Date(truth.window.to),
    });
  }, 240_000);
  afterAll(async () => {
    await t?.cleanup();
  });

  const all = () => [...summary.drivers.satisfaction, ...summary.drivers.dissatisfaction];

  it('counts each theme as the distinct developers who mentioned it, in feedback and survey comments', () => {
    const k = config.privacy.min_group_size;
    let shown = 0;
    for (const [theme, people] of Object.entries(truth.feedback.themePeople)) {
      if (people === 0) continue;
      const d = all().find((x) => x.theme === theme);
      expect(d, theme).toBeDefined();
      expect(d!.anonymous, theme).toBe(truth.feedback.themeAnonymous[theme]);
      if (people >= k) {
        shown++;
        expect(d!.people, theme).toBe(people);
        expect(d!.withheld).toBeNull();
      } else {
        expect(d!.people, theme).toBeNull();
        expect(d!.withheld).toMatch(/fewer than 5 people/);
      }
    }
    expect(shown).toBeGreaterThanOrEqual(7);
    expect(all().find((d) => d.theme === 'ci-slow')!.summary).toMatch(
      /^Slow CI builds: mentioned by 18 developers/,
    );
  });

  it('finds nothing where nothing was planted', () => {
    expect(summary.unmentioned.sort()).toEqual(['helpful-tools', 'too-many-tools']);
  });

  it('ranks dissatisfaction by developers, withheld themes last, and splits the lists by driver', () => {
    const dis = summary.drivers.dissatisfaction.map((d) => d.theme);
    expect(dis).toEqual(['ci-slow', 'flaky-tests', 'docs-unclear', 'environments-slow', 'access-issues']);
    expect(summary.drivers.satisfaction.map((d) => d.theme)).toEqual([
      'fast-deploys',
      'quick-reviews',
      'good-docs',
    ]);
  });

  it('reads both sources and quotes no text', () => {
    expect(summary.sources.comments).toBe(truth.feedback.surveyComments);
    expect(summary.sources.feedback).toBe(truth.feedback.feedbackEntries);
    expect(JSON.stringify(summary)).not.toMatch(/Jenkins is so slow|flaky e2e/i);
  });

  it('counts friction reports per category as planted, withholding categories of fewer than 5 people', () => {
    const planted = truth.feedback.frictionByCategory;
    expect(summary.friction.byCategory.map((c) => c.category).sort()).toEqual(Object.keys(planted).sort());
    for (const c of summary.friction.byCategory)
      if (c.withheld) expect(c.people).toBeLessThan(5);
      else expect(c.reports, c.category).toBe(planted[c.category]);
    expect(summary.friction.total.reports).toBe(Object.values(planted).reduce((a, b) => a + b, 0));
    // Everything is in the window: the window before it has none.
    expect(summary.friction.total.previous).toBe(0);
  });
});
