/**
 * A serverless function that classifies images with an nncc bundle of the fixture model
 * tiny-cnn. It imports the bundle's typed entry module, so the feed and output names and types
 * are checked by TypeScript against the model (a renamed input fails the build, not a request).
 * Loading starts when the instance starts (module scope), not on the first request: the cold
 * start overlaps with the platform delivering that request.
 *
 * Request body: JSON `{ "input": [3072 numbers] }` (float32 [1, 3, 32, 32], row-major).
 * Response body: JSON `{ "top": [{ "class": k, "p": probability }, …3], "ms": inference ms }`.
 */
import { inputs, load, run } from './model.nnb/index.mjs';

export interface Request {
  body: string;
}

export interface Response {
  statusCode: number;
  body: string;
}

/** Node's global clock (declared here so the function needs no @types/node). */
declare const performance: { now(): number };

const ready = load();
const inputSize = inputs.input.dims.reduce((a: number, b: number) => a * b, 1);

export async function handler(request: Request): Promise<Response> {
  let values: unknown;
  try {
    values = (JSON.parse(request.body) as { input?: unknown }).input;
  } catch {
    return reply(400, { error: 'the body is not JSON' });
  }
  if (!Array.isArray(values) || values.length !== inputSize || !values.every((v) => typeof v === 'number')) {
    return reply(400, { error: `"input" must be ${inputSize} numbers (float32 [${inputs.input.dims.join(', ')}])` });
  }
  await ready;
  const start = performance.now();
  const { probabilities } = await run({ input: Float32Array.from(values as number[]) });
  const ms = performance.now() - start;
  const top = [...probabilities.data]
    .map((p, k) => ({ class: k, p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, 3);
  return reply(200, { top, ms });
}

function reply(statusCode: number, body: object): Response {
  return { statusCode, body: JSON.stringify(body) };
}
