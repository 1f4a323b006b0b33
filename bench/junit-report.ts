import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Rng } from '../src/demo/random.js';

export interface GeneratedReport {
  cases: number;
  bytes: number;
}

const WORDS = ['returns', 'rejects', 'parses', 'keeps', 'drops', 'retries', 'sorts', 'merges', 'caches'];
const NOUNS = ['Value', 'EmptyInput', 'Timeout', 'Unicode', 'LargeBatch', 'Null', 'Retry', 'Window'];

/**
 * A Surefire-style report of `cases` test cases, 50 to a class, written in chunks (never held
 * in memory): about 240 bytes a case, as real Java reports run (2% failures with a stack trace,
 * 1% skipped, one flaky rerun in 500, 5% with captured output). Seeded, so every run measures the same file.
 */
export async function writeJunitReport(path: string, cases: number, seed = 7): Promise<GeneratedReport> {
  const out = createWriteStream(path, { encoding: 'utf8' });
  const rng = new Rng(seed);
  const next = (n: number) => rng.int(0, n - 1);
  let bytes = 0;
  let buf = '';
  const write = async (s: string) => {
    buf += s;
    if (buf.length < 1 << 20) return;
    bytes += Buffer.byteLength(buf);
    if (!out.write(buf)) await once(out, 'drain');
    buf = '';
  };
  await write('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="bench">\n');
  for (let i = 0; i < cases; i += 50) {
    const cls = `com.acme.platform.billing.module${Math.floor(i / 5000)}.InvoiceService${Math.floor(i / 50)}Test`;
    const file = `src/test/java/${cls.replaceAll('.', '/')}.java`;
    await write(
      `  <testsuite name="${cls}" tests="50" timestamp="2026-01-05T10:00:00" hostname="ci-3" file="${file}">\n`,
    );
    for (let j = i; j < Math.min(cases, i + 50); j++) {
      const name = `${WORDS[next(WORDS.length)]}${NOUNS[next(NOUNS.length)]}Case${j}`;
      const head = `    <testcase name="${name}" classname="${cls}" time="0.${String(next(1000)).padStart(3, '0')}" file="${file}"`;
      const roll = next(1000);
      if (roll < 20)
        await write(
          `${head}>\n      <failure message="expected 3 but was 2" type="org.opentest4j.AssertionFailedError">` +
            `org.opentest4j.AssertionFailedError: expected 3 but was 2\n` +
            `\tat ${cls}.${name}(${cls.split('.').pop()}.java:${40 + next(200)})\n` +
            `\tat java.base/java.lang.reflect.Method.invoke(Method.java:580)</failure>\n    </testcase>\n`,
        );
      else if (roll < 30) await write(`${head}>\n      <skipped message="disabled"/>\n    </testcase>\n`);
      else if (roll < 32)
        await write(
          `${head}>\n      <flakyFailure message="timed out" type="java.util.concurrent.TimeoutException"/>\n    </testcase>\n`,
        );
      else if (roll < 80)
        await write(
          `${head}>\n      <system-out>${`[main] INFO ${cls} - request ${j} handled in ${next(90)} ms\n`.repeat(4)}</system-out>\n    </testcase>\n`,
        );
      else await write(`${head}/>\n`);
    }
    await write('  </testsuite>\n');
  }
  await write('</testsuites>\n');
  bytes += Buffer.byteLength(buf);
  out.end(buf);
  await once(out, 'finish');
  return { cases, bytes };
}
