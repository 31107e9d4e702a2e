/**
 * Child process of kernels.bench: measures one variant's cold first call. It makes the layer's
 * inputs, instantiates the wasm kernels on a fresh memory, runs the weight transform (timed: its
 * own first call) and then the variant once (timed: the first call, including V8's lazy compile
 * of the wasm functions it reaches, or the JIT's first pass over a reference kernel), and prints
 * `{"transformFirstMs", "executeFirstMs"}` as one JSON line.
 *
 * Usage: node dist/test/bench/support/first-call.js LAYER VARIANT_ID
 */
import { variantById } from '../../../runtime/kernels/catalogue.js';
import { convAttrs, convInputs, layerByName } from './layers.js';
import { placeVariant } from '../../../compiler/probe/place-variant.js';

const [layerName, variantId] = process.argv.slice(2);
const variant = variantById(variantId ?? '');
if (!layerName || !variant) {
  process.stderr.write(`usage: first-call.js LAYER VARIANT_ID (unknown variant '${variantId}')\n`);
  process.exit(2);
}
const layer = layerByName(layerName);
const placed = placeVariant(variant, convAttrs(layer), convInputs(layer));
const transformStart = performance.now();
placed.transform();
const executeStart = performance.now();
placed.run();
const end = performance.now();
const transformFirstMs = variant.transform ? executeStart - transformStart : 0;
process.stdout.write(`${JSON.stringify({ transformFirstMs, executeFirstMs: end - executeStart })}\n`);
