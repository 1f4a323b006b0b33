import { describe, expect, it } from 'vitest';
import { agentSection } from '../../src/agent/config.js';
import { Enricher } from '../../src/agent/enrich.js';
import { commandRow } from '../../src/cli/commands/agent-sink.js';
import { validateRecords } from '../../src/ingest/ingest.js';
import { cmd, DEAD } from './spool.js';

/** The store sink skips validation for the agent's own command records: it must lose nothing by it. */
describe('the store sink writes the rows ingest would', () => {
  const inputs = [
    cmd(DEAD, 1),
    cmd(DEAD, 2, { command: '  npm test  ', cwd: ' /srv/a b ', user: ' ', host: 'h ', exitCode: 255 }),
    cmd(DEAD, 3, { command: 'echo \u0000 nul', cwd: '', durationMs: 0 }),
    cmd(DEAD, 4, {
      command: `curl -H "Authorization: Bearer ${'x'.repeat(40)}" https://e.com`,
      shell: 'fish',
    }),
    cmd(DEAD, 5, { command: 'x'.repeat(20_000) }),
  ];
  for (const privacy of ['full', 'redacted', 'program'] as const)
    it(`privacy ${privacy}`, () => {
      const e = new Enricher(agentSection.parse({ privacy }));
      const records = inputs.map((c, i) =>
        e.record(c, i === 1 ? { network_ms: 12, rx_bytes: 3, tx_bytes: 4, seen_at: '' } : undefined),
      );
      const { rows, problems } = validateRecords(records);
      expect(problems).toEqual([]);
      const validated = [...rows.get('command')!.values()];
      expect(validated.map((r) => r.values)).toEqual(records.map(commandRow));
      // Every column is sent, so an existing row is updated whole (a network line attached later).
      for (const r of validated) expect(r.known).toHaveLength(r.values.length);
    });
});
