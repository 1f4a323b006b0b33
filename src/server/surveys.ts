import type { Hono } from 'hono';
import { z } from 'zod';
import { importSurvey, SURVEY_FORMATS, type SurveyImportSummary } from '../collectors/survey/import.js';
import { ingest } from '../ingest/ingest.js';
import { requireScope, type AuthOptions } from './auth.js';
import { queryOf, utf8Body } from './body.js';
import type { AppEnv, ServerContext } from './context.js';

const surveyQuery = z.object({
  format: z.enum(SURVEY_FORMATS, { error: `expected format=${SURVEY_FORMATS.join(' or format=')}` }),
  /** Part of every answer's natural key: posting the same export again replaces its answers. */
  survey: z.string().trim().min(1, 'name the survey, e.g. survey=pulse-2026-11').max(200),
});

/** What POST /api/v1/surveys answers: the import's summary and the answers written. */
export interface SurveyImportAnswer extends SurveyImportSummary {
  written: number;
}

/**
 * POST /api/v1/surveys?format=qualtrics|csv&survey=NAME with the export as the body (scope
 * ingest): the same parser as `pitwall collect survey`, all or nothing, 400 naming line and column.
 */
export function surveyRoutes(app: Hono<AppEnv>, ctx: ServerContext, auth: AuthOptions): void {
  app.post('/api/v1/surveys', requireScope(ctx, auth, 'ingest'), async (c) => {
    const q = queryOf(c, surveyQuery);
    const text = await utf8Body(c);
    const { records, summary } = importSurvey(text, {
      file: 'body',
      format: q.format,
      survey: q.survey,
      config: ctx.config.surveys,
    });
    const result = await ingest(ctx.store, records);
    await ctx.enrich.ensure();
    const answer: SurveyImportAnswer = { ...summary, written: result.written.survey_response ?? 0 };
    return c.json(answer, 200);
  });
}
