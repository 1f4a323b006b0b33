import { z } from 'zod';

/**
 * GitHub's "Copilot metrics" REST API (GET /orgs/{org}/copilot/metrics and the team variant):
 * one object per day. Only the fields Pitwall reads are declared; the rest pass through.
 * Sections GitHub leaves out on a day without that kind of use default to empty.
 */
const count = z.number().int().nonnegative().default(0);

const language = z
  .object({
    name: z.string().min(1),
    total_engaged_users: count,
    total_code_suggestions: count,
    total_code_acceptances: count,
    total_code_lines_suggested: count,
    total_code_lines_accepted: count,
  })
  .loose();

const model = z.object({ name: z.string(), languages: z.array(language).default([]) }).loose();

const editor = z
  .object({ name: z.string().min(1), total_engaged_users: count, models: z.array(model).default([]) })
  .loose();

const engaged = z.object({ total_engaged_users: count }).loose();

export const copilotDay = z
  .object({
    date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a YYYY-MM-DD date'),
    total_active_users: count,
    total_engaged_users: count,
    copilot_ide_code_completions: z
      .object({
        total_engaged_users: count,
        languages: z
          .array(z.object({ name: z.string().min(1), total_engaged_users: count }).loose())
          .default([]),
        editors: z.array(editor).default([]),
      })
      .loose()
      .nullish(),
    copilot_ide_chat: engaged.nullish(),
    copilot_dotcom_chat: engaged.nullish(),
    copilot_dotcom_pull_requests: engaged.nullish(),
  })
  .loose();
export type CopilotDay = z.output<typeof copilotDay>;

export const copilotMetrics = z.array(copilotDay);

/** GET /orgs/{org}/copilot/billing: only the seat total is read. */
export const copilotBilling = z
  .object({ seat_breakdown: z.object({ total: z.number().int().nonnegative() }).loose() })
  .loose();
