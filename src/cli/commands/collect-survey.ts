import type { Command } from 'commander';
import { z } from 'zod';
import type { AnyCollector } from '../../collectors/collector.js';
import { invalidArgument } from '../../errors/errors.js';
import { collectLogger, prepareForCli, runIntoStore } from '../collect-run.js';
import { config, jsonOption, printJson, type CliContext } from '../context.js';

const FORMATS = ['qualtrics', 'csv'];
const questions = z.array(
  z.object({ question: z.string(), construct: z.string().nullable(), kind: z.string() }),
);

/**
 * `pitwall collect survey FILE --format qualtrics|csv [--survey NAME] [--json]`: one export, all
 * or nothing; re-importing it replaces its answers (natural key: survey, respondent, question).
 */
export function collectSurveyFlags(
  cmd: Command,
  collector: AnyCollector,
  ctx: CliContext,
  program: Command,
): void {
  cmd
    .argument('<file>', 'the CSV export')
    .option(
      '--format <format>',
      'qualtrics (an export as Qualtrics writes it) or csv (mapped in surveys.csv)',
    )
    .option('--survey <name>', 'the survey’s name (default: the file name without extension)')
    .addOption(jsonOption())
    .action(async (file: string, o: { format?: string; survey?: string; json?: boolean }) => {
      if (!o.format || !FORMATS.includes(o.format))
        throw invalidArgument(
          `--format ${o.format === undefined ? 'is missing' : JSON.stringify(o.format)}: use --format qualtrics or --format csv`,
          { field: 'format' },
        );
      const cfg = config(ctx, program);
      const logger = collectLogger(ctx, collector.id);
      const job = await prepareForCli(
        collector,
        { path: file, format: o.format, survey: o.survey, cwd: '.' },
        cfg,
        ctx,
        logger,
      );
      const s = await runIntoStore(job, cfg, logger);
      const f = s.facts;
      const items = questions.parse(JSON.parse(String(f.questions ?? '[]')));
      const ignored = z.array(z.string()).parse(JSON.parse(String(f.ignored ?? '[]')));
      if (o.json) {
        printJson(ctx, {
          survey: f.survey,
          layout: f.layout,
          responses: f.responses,
          answers: s.written.survey_response ?? 0,
          skipped: { preview: f.skipped_preview, unfinished: f.skipped_unfinished },
          duplicates: f.duplicates,
          pseudonymised: f.pseudonymised,
          questions: items,
          ignored,
          elapsed_ms: Math.round(s.elapsedMs),
        });
        return;
      }
      const constructs = items.filter((i) => i.construct).map((i) => `${i.question} -> ${i.construct}`);
      ctx.out(
        `${String(f.survey)} (${String(f.layout)}): ${String(f.responses)} responses, ${s.written.survey_response ?? 0} answers written` +
          `${f.pseudonymised ? ', respondents pseudonymised' : ''}\n`,
      );
      if (constructs.length) ctx.out(`constructs: ${constructs.join(', ')}\n`);
      const skipped = Number(f.skipped_preview) + Number(f.skipped_unfinished);
      if (skipped)
        ctx.out(
          `skipped: ${String(f.skipped_preview)} previews/tests/spam, ${String(f.skipped_unfinished)} unfinished\n`,
        );
      if (Number(f.duplicates))
        ctx.err(
          `pitwall: warning: ${String(f.duplicates)} respondents answered twice; their later response is kept\n`,
        );
      if (ignored.length) ctx.out(`not stored: ${ignored.join(', ')}\n`);
    });
}
