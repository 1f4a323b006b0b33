import { z } from 'zod';
import { configSection } from '../../config/sections.js';

/**
 * A theme of comments: what it is called on the page and the patterns (regular expressions,
 * case-insensitive; a plain word is one) that put a comment or a feedback text in it. Its
 * `driver` says which list it tops: satisfaction (praise) or dissatisfaction (friction).
 */
const theme = z
  .object({
    label: z.string().trim().min(1).max(80),
    match: z
      .array(
        z
          .string()
          .min(1)
          .superRefine((s, c) => {
            try {
              new RegExp(s, 'i');
            } catch (e) {
              c.addIssue({
                code: 'custom',
                message: `not a regular expression (${(e as Error).message}): escape special characters with a backslash`,
              });
            }
          }),
      )
      .min(1),
    driver: z.enum(['satisfaction', 'dissatisfaction']).default('dissatisfaction'),
  })
  .strict();
export type ThemeConfig = z.output<typeof theme>;

/**
 * The starter themes, used until `feedback.themes` is set (which replaces them whole). They
 * are what the demo organisation's comments are written against.
 */
export const DEFAULT_THEMES: Record<string, z.input<typeof theme>> = {
  'ci-slow': {
    label: 'Slow CI builds',
    match: ['\\b(jenkins|ci|builds?|pipelines?)\\b[^.]*\\bslow', '\\bslow (ci|builds?|pipelines?)\\b'],
  },
  'flaky-tests': { label: 'Flaky tests', match: ['\\bflak(y|iness)\\b'] },
  'environments-slow': {
    label: 'Slow test environments',
    match: [
      '\\benvironments?\\b[^.]*\\b(slow|too long)',
      '\\bwait(ing)? (on|for) an? (test |preview )?environment',
    ],
  },
  'docs-unclear': {
    label: 'Docs unclear or out of date',
    match: ['\\b(docs?|documentation)\\b[^.]*\\b(unclear|out of date|outdated|missing)'],
  },
  'access-issues': {
    label: 'Access and permissions',
    match: ['\\baccess (requests?|issues?|denied)', '\\bpermissions?\\b'],
  },
  'too-many-tools': { label: 'Too many tools', match: ['\\btoo many tools\\b'] },
  'fast-deploys': {
    label: 'Fast deployments',
    match: ['\\bdeploy(s|ments?)? (are|is) (fast|quick)', '\\bfast deploy'],
    driver: 'satisfaction',
  },
  'quick-reviews': {
    label: 'Quick code reviews',
    match: ['\\breviews?\\b[^.]*\\b(quick|fast)', '\\b(quick|fast) (code )?reviews?\\b'],
    driver: 'satisfaction',
  },
  'good-docs': {
    label: 'Good documentation',
    match: [
      '\\b(great|good|helpful) (docs|documentation)\\b',
      '\\b(docs|documentation) (is|are) (really )?(great|good|helpful)',
    ],
    driver: 'satisfaction',
  },
  'helpful-tools': {
    label: 'Helpful tooling',
    match: ['\\b(cli|tooling|tools) (is|are) (great|helpful)'],
    driver: 'satisfaction',
  },
};

export const DEFAULT_CATEGORIES = [
  'ci',
  'tests',
  'environments',
  'docs',
  'access',
  'deployments',
  'review',
  'tooling',
  'other',
] as const;

const FIELDS = ['id', 'occurred_at', 'author', 'team', 'category', 'sentiment', 'text'] as const;
export type CsvField = (typeof FIELDS)[number];
export const CSV_FIELDS: readonly CsvField[] = FIELDS;

const sentiment = z.enum(['praise', 'friction', 'idea', 'other']);

/** `feedback:` in pitwall.yaml: the form, the themes, pseudonyms and the CSV import's columns. */
export const feedbackSection = configSection(
  'feedback',
  z
    .object({
      /** The form's category list; feedback in any other category is refused (400 naming it). */
      categories: z
        .array(z.string().trim().min(1).max(60))
        .min(1)
        .default([...DEFAULT_CATEGORIES]),
      /**
       * GET/POST /feedback take anonymous feedback from anyone who can reach the server, with
       * no token. Off by default: then only a token with the ingest scope writes feedback.
       */
      public_form: z.boolean().default(false),
      /** Who may embed the form in an iframe (CSP frame-ancestors): `'*'`, or origins. */
      frame_ancestors: z.array(z.string().trim().min(1)).min(1).default(['*']),
      /** Authors are stored as keyed-hash pseudonyms (src/domain/pseudonymise.ts); false stores them as sent. */
      pseudonymise: z.boolean().default(true),
      /** The key of the pseudonyms; from PITWALL_PSEUDONYM_KEY, the one surveys use too, so a person matches. */
      pseudonym_key: z.string().min(16, 'expected at least 16 characters (a random secret)').optional(),
      /** Theme id -> theme; setting it replaces the starter set whole. */
      themes: z
        .record(z.string().regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected a theme id such as jenkins-slow'), theme)
        .prefault(DEFAULT_THEMES),
      /** How many drivers each list shows. */
      top: z.number().int().min(1).max(50).default(5),
      csv: z
        .object({
          /** Pitwall's field -> the CSV header that holds it (case-insensitive). */
          columns: z
            .object(
              Object.fromEntries(FIELDS.map((f) => [f, z.string().trim().min(1).optional()])) as Record<
                CsvField,
                z.ZodOptional<z.ZodString>
              >,
            )
            .strict()
            .default({}),
          /** The CSV's own sentiment words -> Pitwall's (e.g. `Complaint: friction`). */
          sentiments: z.record(z.string(), sentiment).default({}),
          delimiter: z.string().length(1).default(','),
        })
        .strict()
        .prefault({}),
    })
    .strict()
    .prefault({}),
  { PITWALL_PSEUDONYM_KEY: 'pseudonym_key' },
);

export type FeedbackSettings = z.output<typeof feedbackSection.schema>;

declare module '../../config/schema.js' {
  interface PluginSections {
    feedback: FeedbackSettings;
  }
}
