import { readdirSync } from 'node:fs';
import { URL } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The layer rules of the design brief, as lint: an import that crosses a layer the wrong way
 * fails `npm run lint`. Layers are the folders under src/ (read here, so a new folder is at once
 * forbidden to the layers that may import nothing of ours); a rule matches relative imports
 * that climb out of a file's folder into a named top-level folder. Tests are left out: they
 * assemble real components from every layer.
 */
const folders = readdirSync(new URL('./src/', import.meta.url), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const except = (...allowed) => folders.filter((f) => !allowed.includes(f));

/** `../x/...`, `../../x/...`: an import into top-level folder x; `plugins` is src/plugins.ts. */
const into = (targets) =>
  `^(\\.\\./)+(${targets.filter((t) => t !== 'plugins').join('|')})/|^(\\.\\./)+plugins\\.js$`;

const layer = (folder, forbidden, why) => ({
  files: [`src/${folder}/**/*.{ts,tsx}`],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [{ regex: into([...forbidden, 'plugins']), message: `layer rule: ${why}` }] },
    ],
  },
});

const producers = ['enrich', 'metrics', 'report', 'server', 'cli', 'web'];

export const layers = [
  layer('domain', except('domain'), 'domain/ imports nothing of ours (types and schemas, no I/O)'),
  layer('errors', except('errors'), 'errors/ imports nothing of ours'),
  layer(
    'store',
    except('store', 'domain', 'errors'),
    'store/ imports only domain/ and errors/ (no config: a driver is handed its settings)',
  ),
  layer(
    'config',
    except('config', 'domain', 'errors'),
    'config/ imports no plug-in: plug-ins contribute their sections through their registry (src/plugins.ts composes them)',
  ),
  ...['collectors', 'listeners', 'agent'].map((f) =>
    layer(
      f,
      producers,
      `${f}/ produces records: it never imports enrich/, metrics/, report/, server/ (nor cli/ or web/); runtime dependencies arrive in its context`,
    ),
  ),
  ...['metrics', 'report'].map((f) =>
    layer(
      f,
      ['collectors', 'listeners', 'agent', 'server', 'cli', 'web'],
      `${f}/ reads the warehouse only: it never imports a collector (nor the server, the CLI or the web)`,
    ),
  ),
  layer(
    'web',
    except('web', 'client'),
    'web/ imports only the API client (src/client/) and its types: no maths in the UI',
  ),
];

/** Record producers take secrets and settings from the context their host hands them. */
const noProcessEnv = {
  files: ['src/collectors/**/*.ts', 'src/listeners/**/*.ts', 'src/agent/**/*.ts'],
  ignores: ['**/*.test.ts'],
  rules: {
    'no-restricted-properties': [
      'error',
      {
        object: 'process',
        property: 'env',
        message:
          'a collector reads its environment from its context (ctx.env), given by the CLI or the server',
      },
    ],
  },
};

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.pitwall/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  ...layers,
  noProcessEnv,
);
