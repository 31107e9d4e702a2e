/**
 * Draws a predicted timeline (from `explain.ts`) as an SVG Gantt chart for `nncc explain --svg`:
 * one row per lane, one rect per task coloured by its stage, a legend of the stages present and a
 * time axis in ms. Each rect carries a `<title>` (node, stage, times) that viewers show on hover.
 * Plain text out, no dependencies; the same timeline gives the same bytes.
 */
import type { PredictedTimeline } from '../bundle/write-bundle.js';
import type { Stage } from '../../runtime/trace/stages.js';
import { byLaneOrder, laneName } from '../../runtime/trace/trace.js';
import { taskName } from './explain.js';

export const stageColours: Readonly<Record<Stage, string>> = {
  start: '#9e9e9e', prepare: '#8e6bbf', alloc: '#e0a030', read: '#3b7dd8', transform: '#e06c3b', execute: '#3ba55c', wait: '#cfcfcf',
};

const layout = { widthPx: 1000, labelPx: 150, rightPx: 24, titlePx: 24, legendPx: 28, rowPx: 22, rowGapPx: 6, axisPx: 36, targetTicks: 8 };

export function timelineSvg(timeline: PredictedTimeline): string {
  const lanes = [...new Set(timeline.tasks.map((t) => t.lane))].sort(byLaneOrder);
  const endMs = Math.max(timeline.predictedMs, ...timeline.tasks.map((t) => t.endMs));
  const plotPx = layout.widthPx - layout.labelPx - layout.rightPx;
  const x = (ms: number): number => layout.labelPx + (endMs > 0 ? (ms / endMs) * plotPx : 0);
  const top = layout.titlePx + layout.legendPx;
  const rowY = (index: number): number => top + index * (layout.rowPx + layout.rowGapPx);
  const axisY = rowY(lanes.length);
  const heightPx = axisY + layout.axisPx;
  const title = `predicted cold run for ${timeline.profile} (objective ${timeline.objective}): ${fixed(timeline.predictedMs)} ms, lower bound ${fixed(timeline.lowerBoundMs)} ms`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${layout.widthPx}" height="${heightPx}" viewBox="0 0 ${layout.widthPx} ${heightPx}" font-family="sans-serif" font-size="11">`,
    `<text class="chart-title" x="8" y="16" font-size="13">${escapeXml(title)}</text>`,
    legend(timeline),
    ...lanes.map((lane, index) => laneRow(timeline, lane, rowY(index), x)),
    axis(endMs, axisY, x),
    '</svg>',
    '',
  ].join('\n');
}

function legend(timeline: PredictedTimeline): string {
  const present = (Object.keys(stageColours) as Stage[]).filter((stage) => timeline.tasks.some((t) => t.stage === stage));
  const entries = present.map((stage, i) => {
    const left = layout.labelPx + i * 90;
    return `<g class="legend-entry" data-stage="${stage}"><rect x="${left}" y="${layout.titlePx + 4}" width="12" height="12" fill="${stageColours[stage]}"/>` +
      `<text x="${left + 16}" y="${layout.titlePx + 14}">${stage}</text></g>`;
  });
  return `<g class="legend">\n${entries.join('\n')}\n</g>`;
}

function laneRow(timeline: PredictedTimeline, lane: number, y: number, x: (ms: number) => number): string {
  const rects = timeline.tasks.filter((t) => t.lane === lane).map((t) => {
    const hover = `${taskName(timeline, t)} · ${t.stage} · ${fixed(t.startMs)}–${fixed(t.endMs)} ms (${fixed(t.endMs - t.startMs)} ms)`;
    // A task too short to see still gets a sliver, so its title can be hovered.
    const width = Math.max(0.5, x(t.endMs) - x(t.startMs));
    return `<rect class="task" data-stage="${t.stage}" data-step="${t.step}" x="${px(x(t.startMs))}" y="${y}" width="${px(width)}" height="${layout.rowPx}" fill="${stageColours[t.stage]}">` +
      `<title>${escapeXml(hover)}</title></rect>`;
  });
  return [
    `<g class="lane" data-lane="${lane}">`,
    `<text class="lane-label" x="8" y="${y + layout.rowPx / 2 + 4}">${escapeXml(laneName(lane))}</text>`,
    ...rects,
    '</g>',
  ].join('\n');
}

function axis(endMs: number, y: number, x: (ms: number) => number): string {
  const stepMs = niceStep(endMs / layout.targetTicks);
  const ticks: string[] = [];
  for (let i = 0; i * stepMs <= endMs + stepMs * 1e-9; i++) {
    const ms = i * stepMs;
    ticks.push(`<g class="tick"><line x1="${px(x(ms))}" y1="${y}" x2="${px(x(ms))}" y2="${y + 5}" stroke="#333"/>` +
      `<text x="${px(x(ms))}" y="${y + 18}" text-anchor="middle">${Number(ms.toPrecision(12))} ms</text></g>`);
  }
  return [
    '<g class="axis">',
    `<line class="axis-line" x1="${layout.labelPx}" y1="${y}" x2="${layout.widthPx - layout.rightPx}" y2="${y}" stroke="#333"/>`,
    ...ticks,
    '</g>',
  ].join('\n');
}

/** 1, 2 or 5 times a power of ten, at least `roughMs`. */
export function niceStep(roughMs: number): number {
  if (!(roughMs > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(roughMs));
  const multiple = [1, 2, 5, 10].find((m) => m * power >= roughMs) ?? 10;
  return multiple * power;
}

const fixed = (ms: number): string => ms.toFixed(3);
const px = (value: number): string => value.toFixed(2);

function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
