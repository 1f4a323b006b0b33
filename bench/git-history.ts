import { spawn } from 'node:child_process';

/**
 * A deterministic synthetic history for `git fast-import`: `commits` commits over 200 files,
 * 3-6 files changed per commit (a couple of lines rewritten, sometimes one added or removed),
 * and every 25 mainline commits a two-commit topic branch merged back with --no-ff as a PR merge.
 */
export interface HistoryShape {
  commits: number;
  files?: number;
  seed?: number;
}

/** mulberry32: a tiny seeded PRNG, so every run builds the same repository. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const T0 = Date.parse('2023-01-02T09:00:00Z') / 1000;

export async function buildHistory(
  dir: string,
  shape: HistoryShape,
): Promise<{ commits: number; merges: number }> {
  const rand = prng(shape.seed ?? 42);
  const pick = (n: number) => Math.floor(rand() * n);
  const nFiles = shape.files ?? 200;
  const paths = Array.from({ length: nFiles }, (_, i) => `src/mod${i % 17}/file${i}.ts`);
  const topicPaths = Array.from({ length: 12 }, (_, i) => `topic/part${i}.ts`);
  const content = new Map<string, string[]>();
  for (const p of [...paths, ...topicPaths])
    content.set(
      p,
      Array.from({ length: 32 }, (_, j) => `export const v${j} = ${pick(1e6)};`),
    );

  const child = spawn('git', ['fast-import', '--quiet', '--done'], {
    cwd: dir,
    stdio: ['pipe', 'inherit', 'inherit'],
  });
  const exited = new Promise<number | null>((res, rej) => {
    child.on('error', rej);
    child.on('close', res);
  });
  let buf: string[] = [];
  let size = 0;
  const flush = async () => {
    if (!child.stdin.write(buf.join(''))) await new Promise((r) => child.stdin.once('drain', r));
    buf = [];
    size = 0;
  };
  const out = async (s: string) => {
    buf.push(s);
    size += s.length;
    if (size > 1 << 20) await flush();
  };
  const data = (s: string) => `data ${Buffer.byteLength(s)}\n${s}\n`;

  let mark = 0;
  const edit = async (path: string): Promise<string> => {
    const lines = content.get(path)!;
    lines[pick(lines.length)] = `export const r${pick(1e6)} = ${pick(1e6)};`;
    lines[pick(lines.length)] = `// note ${pick(1e6)}`;
    const r = rand();
    if (r < 0.3 && lines.length < 48) lines.splice(pick(lines.length), 0, `export const n${pick(1e6)} = 1;`);
    else if (r > 0.7 && lines.length > 24) lines.splice(pick(lines.length), 1);
    await out(`blob\nmark :${++mark}\n${data(lines.join('\n') + '\n')}`);
    return `M 100644 :${mark} ${path}\n`;
  };
  const who = (i: number) =>
    i % 97 === 0
      ? 'dependabot[bot] <49699333+dependabot[bot]@users.noreply.github.com>'
      : `Dev ${i % 40} <dev${i % 40}@example.com>`;
  const header = (ref: string, i: number, msg: string) => {
    const ts = T0 + i * 600;
    return `commit ${ref}\nmark :${++mark}\nauthor ${who(i)} ${ts} +0000\ncommitter ${who(i)} ${ts} +0000\n${data(msg)}`;
  };

  let made = 0;
  let merges = 0;
  let mainTip = 0;
  let mainline = 0;
  while (made < shape.commits) {
    if (mainline > 0 && mainline % 25 === 0 && made + 3 <= shape.commits) {
      // Topic branch: two commits on topic files, then a merge commit bringing them in.
      const pr = 10_000 + merges;
      let from = `from :${mainTip}\n`;
      let topicTip = 0;
      const touched = new Set<string>();
      for (let k = 0; k < 2; k++) {
        const a = topicPaths[pick(topicPaths.length)]!;
        const b = topicPaths[pick(topicPaths.length)]!;
        touched.add(a).add(b);
        const mods = [await edit(a), ...(a === b ? [] : [await edit(b)])];
        await out(
          header('refs/heads/topic', made, `Topic work ${pr}.${k}\n\nDetails of the change.\n`) +
            from +
            mods.join(''),
        );
        topicTip = mark;
        from = '';
        made++;
      }
      const mergeMsg = `Merge pull request #${pr} from acme/${merges % 10 === 0 ? 'hotfix' : 'feature'}/x${pr}\n`;
      // The merge's tree: main plus the topic's files as the topic left them.
      const blobs: string[] = [];
      for (const p of touched) {
        await out(`blob\nmark :${++mark}\n${data(content.get(p)!.join('\n') + '\n')}`);
        blobs.push(`M 100644 :${mark} ${p}\n`);
      }
      await out(
        header('refs/heads/main', made, mergeMsg) + `from :${mainTip}\nmerge :${topicTip}\n` + blobs.join(''),
      );
      mainTip = mark;
      made++;
      merges++;
      mainline++;
      continue;
    }
    const n = 3 + pick(4);
    const chosen = new Set<string>();
    while (chosen.size < n) chosen.add(paths[pick(paths.length)]!);
    const mods: string[] = [];
    for (const p of chosen) mods.push(await edit(p));
    const subject =
      made % 7 === 0
        ? `Improve module ${made % 17} (#${made})`
        : made % 53 === 0
          ? `hotfix: guard ${made}`
          : `Change ${made}`;
    const from = mainTip ? `from :${mainTip}\n` : '';
    await out(
      header('refs/heads/main', made, `${subject}\n\nWhy: keeps things tidy.\nRefs: ${made}\n`) +
        from +
        mods.join(''),
    );
    mainTip = mark;
    made++;
    mainline++;
    if (mainline % 5000 === 0) await out(`reset refs/tags/v${mainline / 5000}.0\nfrom :${mainTip}\n\n`);
  }
  await out('done\n');
  await flush();
  child.stdin.end();
  const code = await exited;
  if (code !== 0) throw new Error(`git fast-import failed with exit ${code}`);
  return { commits: made, merges };
}
