/**
 * Builds the web dashboards into dist/web when that build is missing or older than a web source,
 * so `npm start` serves the current dashboards on a fresh clone and after a pull.
 * Run by `npm start`; `npm run build:web` builds unconditionally.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** What the bundle is made of: the web app and the typed API client it imports. */
export const WEB_SOURCES = ['src/web', 'src/client'];
/** Vite writes index.html after the assets, so a build cut short has none and is rebuilt. */
export const WEB_BUILD_INDEX = 'dist/web/index.html';
const NOT_SOURCES = new Set(['dist', 'node_modules']);

function newestFile(dir: string): { path: string; mtimeMs: number } | null {
  let best: { path: string; mtimeMs: number } | null = null;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const found = e.isDirectory()
      ? NOT_SOURCES.has(e.name)
        ? null
        : newestFile(path)
      : e.isFile()
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : null;
    if (found && (!best || found.mtimeMs > best.mtimeMs)) best = found;
  }
  return best;
}

/** Why the dashboards must be built before serving, or null when the build is current. */
export function webBuildReason(root: string): string | null {
  const index = resolve(root, WEB_BUILD_INDEX);
  if (!existsSync(index)) return `${WEB_BUILD_INDEX} is missing`;
  const built = statSync(index).mtimeMs;
  for (const src of WEB_SOURCES) {
    const dir = resolve(root, src);
    const newest = existsSync(dir) ? newestFile(dir) : null;
    if (newest && newest.mtimeMs > built)
      return `${relative(root, newest.path)} is newer than ${WEB_BUILD_INDEX}`;
  }
  return null;
}

/** Vite's production build, as users get it (React's build follows NODE_ENV). */
export async function buildWeb(root: string): Promise<void> {
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new Error(
      'building the web dashboards needs the development dependencies (vite): run `npm install`',
    );
  }
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: resolve(root, 'src/web/vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
}

async function main(): Promise<void> {
  const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
  const reason = webBuildReason(root);
  if (!reason) return;
  process.stderr.write(`web: building the dashboards (${reason})...\n`);
  const started = Date.now();
  await buildWeb(root);
  process.stderr.write(`web: built ${WEB_BUILD_INDEX} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main().catch((e: unknown) => {
    process.stderr.write(`web: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  });
}
