import { z } from 'zod';
import { configSection } from '../../config/sections.js';
import { SURVEY_CONSTRUCT_NAMES } from '../../domain/survey-constructs.js';

const constructName = z.enum(SURVEY_CONSTRUCT_NAMES, {
  error: `expected a construct: one of ${SURVEY_CONSTRUCT_NAMES.join(', ')}`,
});

/** Choice text -> score, e.g. `Very satisfied: 5`; compared trimmed and case-insensitively. */
const labels = z.record(z.string().trim().min(1), z.number().finite());

/**
 * One survey item: the construct it measures, its own choice labels, and what kind of answer it
 * takes. A bare construct name (`QID1: nps`) is shorthand for `{ construct: nps }`.
 */
const question = z.preprocess(
  (v) => (typeof v === 'string' ? { construct: v } : v),
  z
    .object({
      construct: constructName.optional(),
      labels: labels.default({}),
      /**
       * scale: a score (the default); text: free text kept as the response's comment; multi: a
       * multi-select whose comma-separated choices each become an answer.
       */
      type: z.enum(['scale', 'text', 'multi']).optional(),
    })
    .strict(),
);

const validZone = (tz: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** Where a format finds the respondent, the team and the submission time. */
const columns = (defaults: { respondent?: string; team?: string; submitted_at?: string }) =>
  z
    .object({
      /** The column identifying the person (an e-mail, an employee id): the pseudonym's input. */
      respondent: z.string().trim().min(1).optional(),
      team: z.string().trim().min(1).optional(),
      /** When the answers were submitted. */
      submitted_at: z.string().trim().min(1).optional(),
    })
    .strict()
    .prefault(defaults);

/** The `surveys:` section of pitwall.yaml (docs/surveys.md). */
export const surveysSchema = z
  .object({
    /**
     * Respondents are stored as a keyed hash (HMAC-SHA-256) of their identifier, never as the
     * identifier. false stores the identifier as it is in the file.
     */
    pseudonymise: z.boolean().default(true),
    /** The hash key: a secret, from PITWALL_SURVEY_KEY (or PITWALL_PSEUDONYM_KEY, shared with feedback). */
    key: z.string().min(16, 'expected at least 16 characters (a random secret)').optional(),
    /** Exports write local times without a zone: they are read in this IANA zone. */
    timezone: z.string().refine(validZone, 'expected an IANA time zone such as Europe/Berlin').default('UTC'),
    /** Qualtrics responses not finished (Finished = 0) are skipped unless this is true. */
    include_unfinished: z.boolean().default(false),
    /** Question id (QID5, an export tag, a CSV header) or question text -> item settings. */
    questions: z.record(z.string().trim().min(1), question).default({}),
    /** Choice labels every item understands, on top of the built-in Likert sets. */
    labels: labels.default({}),
    /** Qualtrics exports: columns other than the defaults (RecipientEmail..., team, RecordedDate). */
    qualtrics: columns({}),
    /** Any other CSV: one header row, then one row per response. */
    csv: z
      .object({
        respondent: z.string().trim().min(1).default('respondent'),
        team: z.string().trim().min(1).optional(),
        submitted_at: z.string().trim().min(1).default('submitted_at'),
        delimiter: z.string().length(1).default(','),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

export type SurveysConfig = z.output<typeof surveysSchema>;
export type QuestionSetting = SurveysConfig['questions'][string];

export const surveysSettings = configSection('surveys', surveysSchema, {
  // The survey-specific variable wins over the shared one (applied later).
  PITWALL_PSEUDONYM_KEY: 'key',
  PITWALL_SURVEY_KEY: 'key',
});

declare module '../../config/schema.js' {
  interface PluginSections {
    surveys: z.output<typeof surveysSchema>;
  }
}
