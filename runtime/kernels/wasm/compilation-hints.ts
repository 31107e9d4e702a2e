/**
 * V8's compilation hints (the experimental `compilationHints` custom section, one byte per
 * declared function: strategy in bits 0–1, baseline tier in bits 2–3, top tier in bits 4–5).
 * Load marks the functions a plan's first run calls as "lazy baseline, eager top tier": V8 then
 * compiles them with its optimizing compiler in the background as soon as the module is compiled,
 * while every other function stays lazy (load/tier-up.ts). The section goes right before the
 * code section, where V8 reads it.
 */
import { codeSection, u32Bytes, wasmLayout } from './wasm-sections.js';

const sectionName = 'compilationHints';
const customSectionId = 0;
const strategyLazyBaselineEagerTopTier = 3;
const tierBaseline = 1;
const tierOptimized = 2;
const eagerTopTier = strategyLazyBaselineEagerTopTier | (tierBaseline << 2) | (tierOptimized << 4);
const defaultHint = 0;

/**
 * `bytes` with a hints section marking `functions` (indices in the module's function space;
 * imported ones and those past the end are ignored), or undefined when the binary cannot be read.
 */
export function withCompilationHints(bytes: Uint8Array, functions: readonly number[]): Uint8Array<ArrayBuffer> | undefined {
  const layout = wasmLayout(bytes);
  const code = layout && codeSection(layout);
  if (!layout || !code) return undefined;
  const hinted = new Set(functions.map((f) => f - layout.importedFunctions));
  const hints = Array.from({ length: layout.declaredFunctions }, (_, i) => (hinted.has(i) ? eagerTopTier : defaultHint));
  const name = [...new TextEncoder().encode(sectionName)];
  const contents = [...u32Bytes(name.length), ...name, ...u32Bytes(hints.length), ...hints];
  const section = [customSectionId, ...u32Bytes(contents.length), ...contents];
  const out = new Uint8Array(bytes.length + section.length);
  out.set(bytes.subarray(0, code.start));
  out.set(section, code.start);
  out.set(bytes.subarray(code.start), code.start + section.length);
  return out;
}
