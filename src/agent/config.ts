import { z } from 'zod';
import { configSection } from '../config/sections.js';

const regex = z.string().refine(
  (p) => {
    try {
      new RegExp(p);
      return true;
    } catch {
      return false;
    }
  },
  { message: 'not a valid regular expression' },
);

/** A category rule: a command whose program (or whole line) matches `match` is in `category`. */
const categoryRule = z
  .object({
    category: z.string().min(1),
    /** A regular expression tried against the command line after redaction. */
    match: regex,
  })
  .strict();

/**
 * The `agent:` section of pitwall.yaml: the shell agent on a developer's machine (the inner loop).
 * Unset paths fall back to the XDG directories of the user running it.
 */
export const agentSection = z
  .object({
    /** Where the hooks append and the agent keeps its state; default $XDG_STATE_HOME/pitwall. */
    spool_dir: z.string().min(1).nullable().default(null),
    /** Past this the oldest lines are dropped, and how many is recorded. */
    spool_max_mb: z.number().positive().default(50),
    /** `pitwall serve` to ship to (with an ingest-scoped token); unset: the local store. */
    server_url: z.string().url().nullable().default(null),
    /** The ingest token; better from PITWALL_AGENT_TOKEN than from a file. */
    token: z.string().min(1).nullable().default(null),
    /** Commands per batch shipped. */
    batch_size: z.number().int().positive().max(50_000).default(5_000),
    /** How often `pitwall agent run` reads the spool and ships. */
    sync_interval_seconds: z.number().positive().default(60),
    /** full: the command line as typed; redacted: secrets replaced; program: only the program and category. */
    privacy: z.enum(['full', 'redacted', 'program']).default('redacted'),
    redact: z
      .object({
        /** Extra regular expressions whose matches are replaced (a capture group: only it). */
        patterns: z.array(regex).default([]),
        /** Matches of these are never redacted (e.g. a known public key id). */
        allow: z.array(regex).default([]),
      })
      .strict()
      .prefault({}),
    /** Tried before the built-in rules, first match wins. */
    categories: z.array(categoryRule).default([]),
    /** Developer caches sampled besides the known ones (~/.npm, ~/.m2, ...). */
    cache_dirs: z.array(z.string().min(1)).default([]),
  })
  .strict()
  .prefault({});
export type AgentConfig = z.output<typeof agentSection>;

export const agentSettings = configSection('agent', agentSection, {
  PITWALL_AGENT_TOKEN: 'token',
  PITWALL_AGENT_SERVER_URL: 'server_url',
});

declare module '../config/schema.js' {
  interface PluginSections {
    agent: AgentConfig;
  }
}
