/**
 * `nncc diff <a> <b>`: compares two bundles (or their schedule.json files) for code review —
 * reads both with `review/read-review-input.ts`, diffs them with `review/diff-bundles.ts` and
 * prints text, Markdown or JSON. Exits like diff(1): 0 identical, 1 different, 2 on any error
 * (reported here, since the CLI's top-level handler would exit 1).
 */
import { diffBundles } from '../../review/diff-bundles.js';
import { readReviewInput } from '../../review/read-review-input.js';
import { renderDiffMarkdown, renderDiffText } from '../../review/render-diff.js';
import { reportError } from '../report-error.js';

export interface DiffArgs {
  a: string;
  b: string;
  format: 'text' | 'md';
  json: boolean;
}

export function diffCommand(args: DiffArgs): void {
  try {
    const diff = diffBundles(readReviewInput(args.a), readReviewInput(args.b));
    const output = args.json ? `${JSON.stringify({ ok: true, ...diff })}\n`
      : args.format === 'md' ? renderDiffMarkdown(diff) : renderDiffText(diff);
    process.stdout.write(output);
    process.exitCode = diff.identical ? 0 : 1;
  } catch (error) {
    reportError(error, args.json);
    process.exitCode = 2;
  }
}
