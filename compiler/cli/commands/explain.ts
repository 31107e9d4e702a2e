/**
 * `nncc explain <bundle>`: shows why the search expects the cold run it chose — reads the bundle's
 * predicted timeline with `review/explain.ts`, prints the stage breakdown and one line per task
 * (or JSON), and writes it as an SVG Gantt chart (`review/timeline-svg.ts`) or a Chrome trace on
 * request. A bundle compiled without a device profile has no timeline: that is an error (exit 1).
 */
import { writeOutputFile } from '../../write-failure.js';
import { chromeTrace } from '../../../runtime/trace/trace.js';
import { explain, readTimeline, renderExplainText, timelineSpans } from '../../review/explain.js';
import { timelineSvg } from '../../review/timeline-svg.js';

export interface ExplainArgs {
  bundle: string;
  svg?: string;
  trace?: string;
  json: boolean;
}

export function explainCommand(args: ExplainArgs): void {
  const explanation = explain(readTimeline(args.bundle));
  const written: string[] = [];
  if (args.svg) {
    writeOutputFile(args.svg, timelineSvg(explanation.timeline));
    written.push(`wrote the timeline as SVG to ${args.svg}`);
  }
  if (args.trace) {
    writeOutputFile(args.trace, `${JSON.stringify(chromeTrace(timelineSpans(explanation.timeline)))}\n`);
    written.push(`wrote the timeline as a Chrome trace to ${args.trace}`);
  }
  if (args.json) {
    process.stdout.write(`${JSON.stringify({ ok: true, ...explanation })}\n`);
    return;
  }
  process.stdout.write(renderExplainText(explanation) + written.map((line) => `${line}\n`).join(''));
}
