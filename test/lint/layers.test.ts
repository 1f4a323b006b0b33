import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const eslint = new ESLint({ cwd: root });

/** The layer-rule messages ESLint reports for `code` placed at `path` (the file need not exist). */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: `${root}${path}` });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

/**
 * The real eslint.config.js on small files placed in each layer: every rule of the brief's
 * "Layer rules" must fire on a wrong import, and stay quiet on an allowed one.
 */
describe('layer rules (eslint.config.js)', () => {
  it.each([
    [
      'src/collectors/github/collect-org.ts',
      "import { ensureFresh } from '../../enrich/index.js';",
      /collectors\/ produces records/,
    ],
    [
      'src/collectors/x.ts',
      "import type { MetricValue } from '../metrics/registry/types.js';",
      /collectors\//,
    ],
    ['src/collectors/git/x.ts', "export { startServer } from '../../server/server.js';", /collectors\//],
    ['src/collectors/git/x.ts', "import { loadConfig } from '../../plugins.js';", /collectors\//],
    ['src/listeners/statsd/x.ts', "import { buildReport } from '../../report/build.js';", /listeners\//],
    [
      'src/config/schema.ts',
      "import { githubSection } from '../collectors/github/config.js';",
      /config\/ imports no plug-in/,
    ],
    ['src/config/load.ts', "import { loadConfig } from '../plugins.js';", /config\/ imports no plug-in/],
    [
      'src/store/open.ts',
      "import type { Config } from '../config/schema.js';",
      /store\/ imports only domain\/ and errors\//,
    ],
    [
      'src/domain/kinds/x.ts',
      "import type { Store } from '../../store/store.js';",
      /domain\/ imports nothing of ours/,
    ],
    ['src/errors/x.ts', "import { instant } from '../domain/time.js';", /errors\/ imports nothing of ours/],
    [
      'src/metrics/definitions/x.ts',
      "import { gitCollector } from '../../collectors/git/collector.js';",
      /metrics\/ reads the warehouse only/,
    ],
    [
      'src/report/x.ts',
      "import type { SourceState } from '../collectors/sources.js';",
      /report\/ reads the warehouse only/,
    ],
    [
      'src/web/src/types.ts',
      "import type { Status } from '../../metrics/registry/types.js';",
      /web\/ imports only the API client/,
    ],
    [
      'src/web/src/charts/X.tsx',
      "import { tierOf } from '../../../metrics/dora/tiers.js';",
      /web\/ imports only the API client/,
    ],
  ])('%s: %s fails', async (path, code, message) => {
    const errors = await layerErrors(path, code);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/ layer rule: /);
    expect(errors[0]).toMatch(message);
  });

  it('keeps process.env out of collectors: their environment arrives in the context', async () => {
    const [result] = await eslint.lintText('export const token = process.env.GITHUB_TOKEN;\n', {
      filePath: `${root}src/collectors/acme/collector.ts`,
    });
    expect(result!.messages.map((m) => m.ruleId)).toEqual(['no-restricted-properties']);
    expect(result!.messages[0]!.message).toMatch(/ctx\.env/);
    const [server] = await eslint.lintText('export const token = process.env.GITHUB_TOKEN;\n', {
      filePath: `${root}src/server/x.ts`,
    });
    expect(server!.messages).toEqual([]);
  });

  it.each([
    ['src/collectors/github/x.ts', "import type { Config } from '../../config/schema.js';"],
    ['src/collectors/github/x.ts', "import { ingest } from '../../ingest/ingest.js';"],
    ['src/collectors/junit/sub/x.ts', "import { countStatuses } from '../report.js';"],
    ['src/store/duckdb/x.ts', "import { PitwallError } from '../../errors/errors.js';"],
    ['src/store/duckdb/x.ts', "import { toParam } from '../values.js';"],
    ['src/config/load.ts', "import { composeConfigSchema } from './compose.js';"],
    ['src/metrics/definitions/x.ts', "import type { Store } from '../../store/store.js';"],
    ['src/web/src/types.ts', "import type { Status } from '../../client/index.js';"],
    ['src/web/src/charts/X.tsx', "import { Panel } from '../components/Panel.js';"],
    ['src/cli/commands/x.ts', "import { collectors } from '../../collectors/index.js';"],
    ['src/collectors/x.test.ts', "import { ensureFresh } from '../enrich/index.js';"],
  ])('%s: %s is allowed', async (path, code) => {
    expect(await layerErrors(path, code)).toEqual([]);
  });
});
