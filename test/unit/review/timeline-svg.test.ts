/**
 * The SVG Gantt chart of `nncc explain --svg`, on a small hand-made timeline: balanced tags, one
 * row per lane, one rect with a title per task, a legend entry per stage present (and none for
 * absent ones), ms ticks on the axis, and names escaped.
 */
import assert from 'node:assert/strict';
import type { PredictedTimeline } from '../../../compiler/bundle/write-bundle.js';
import { niceStep, stageColours, timelineSvg } from '../../../compiler/review/timeline-svg.js';

const timeline: PredictedTimeline = {
  profile: 'test-device',
  objective: 'cold',
  predictedMs: 10,
  lowerBoundMs: 8,
  steps: ['conv<1>', 'relu & pool'],
  tasks: [
    { lane: 0, stage: 'start', step: -1, startMs: 0, endMs: 2 },
    { lane: 0, stage: 'prepare', step: -1, startMs: 2, endMs: 3 },
    { lane: 1, stage: 'read', step: 0, startMs: 2.5, endMs: 4 },
    { lane: 1, stage: 'transform', step: 0, startMs: 4, endMs: 5 },
    { lane: 0, stage: 'wait', step: 0, startMs: 3, endMs: 5 },
    { lane: 0, stage: 'execute', step: 0, startMs: 5, endMs: 7.5 },
    { lane: 0, stage: 'execute', step: 1, startMs: 7.5, endMs: 10 },
  ],
};

const count = (text: string, pattern: RegExp): number => text.match(pattern)?.length ?? 0;

/** Every opening tag closes in order (self-closing tags excepted): enough to call it well formed. */
function assertBalanced(svg: string): void {
  const open: string[] = [];
  for (const [, closing, name, selfClosing] of svg.matchAll(/<(\/?)([a-zA-Z][\w-]*)\b[^>]*?(\/?)>/g)) {
    if (selfClosing) continue;
    if (!closing) open.push(name);
    else assert.equal(open.pop(), name, `</${name}> closes the wrong element`);
  }
  assert.deepEqual(open, [], 'unclosed elements');
}

describe('timeline SVG', () => {
  const svg = timelineSvg(timeline);

  it('is one well-formed svg element with no unescaped text', () => {
    assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"[^>]*>/);
    assert.match(svg.trimEnd(), /<\/svg>$/);
    assertBalanced(svg);
    assert.equal(count(svg, /&(?!amp;|lt;|gt;|quot;|apos;)/g), 0, 'bare ampersand');
    assert.ok(svg.includes('conv&lt;1&gt;') && svg.includes('relu &amp; pool'));
  });

  it('draws one row per lane, labelled', () => {
    const rows = [...svg.matchAll(/<g class="lane" data-lane="(\d+)">/g)].map((m) => Number(m[1]));
    assert.deepEqual(rows, [0, 1]);
    assert.ok(svg.includes('lane 0 (executing)') && svg.includes('lane 1 (worker)'));
  });

  it('draws one rect per task, in its lane, coloured by stage, with a title naming step, stage and ms', () => {
    const rects = [...svg.matchAll(/<rect class="task" data-stage="(\w+)" data-step="(-?\d+)"[^>]*fill="([^"]+)"><title>([^<]*)<\/title><\/rect>/g)];
    assert.equal(rects.length, timeline.tasks.length);
    const byLane = [0, 1].flatMap((lane) => timeline.tasks.filter((t) => t.lane === lane).map((t) => `${t.stage} ${t.step}`));
    assert.deepEqual(rects.map(([, stage, step]) => `${stage} ${step}`), byLane);
    rects.forEach(([, stage, , fill, title]) => {
      assert.equal(fill, stageColours[stage as keyof typeof stageColours]);
      assert.match(title, new RegExp(` · ${stage} · \\d+\\.\\d{3}–\\d+\\.\\d{3} ms`));
    });
    const loaderRow = svg.slice(svg.indexOf('<g class="lane" data-lane="1">'));
    assert.equal(count(loaderRow.slice(0, loaderRow.indexOf('</g>')), /<rect class="task"/g), 2);
    assert.ok(rects.some(([, , , , title]) => title.startsWith('relu &amp; pool · execute · 7.500–10.000 ms')));
  });

  it('has a legend entry for each stage present, and none for the absent alloc', () => {
    const legend = [...svg.matchAll(/<g class="legend-entry" data-stage="(\w+)">/g)].map((m) => m[1]);
    assert.deepEqual(legend, ['start', 'prepare', 'read', 'transform', 'execute', 'wait']);
  });

  it('has a time axis with ms ticks from 0 to the end', () => {
    const ticks = [...svg.matchAll(/<g class="tick">.*?<text[^>]*>([\d.]+) ms<\/text><\/g>/g)].map((m) => Number(m[1]));
    assert.deepEqual(ticks, [0, 2, 4, 6, 8, 10]);
  });

  it('picks 1, 2 or 5 times a power of ten as the tick step', () => {
    assert.equal(niceStep(1.25), 2);
    assert.equal(niceStep(0.03), 0.05);
    assert.equal(niceStep(70), 100);
    assert.equal(niceStep(0), 1);
  });
});
