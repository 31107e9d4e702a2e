/**
 * A wasm binary's layout, read without decoding instructions: its sections and how many functions
 * it imports and declares. Load uses it to add a compilation hints section (compilation-hints.ts);
 * the compiler, to find the function bodies it marks (compiler/bundle/first-run-functions.ts). A
 * binary this cannot read gives `undefined`.
 */

export interface WasmSection {
  readonly id: number;
  /** Offset of the section's id byte. */
  readonly start: number;
  /** Offset of its contents (after the id and the size). */
  readonly contents: number;
  readonly end: number;
}

export interface WasmLayout {
  readonly sections: readonly WasmSection[];
  readonly importedFunctions: number;
  readonly declaredFunctions: number;
}

const sectionIds = { import: 2, function: 3, code: 10 } as const;
/** `\0asm`, version 1. */
const header = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const importKinds = { function: 0, table: 1, memory: 2, global: 3, tag: 4 } as const;

/** A cursor over the bytes, reading unsigned LEB128 and bytes; throws past the end. */
export class WasmReader {
  constructor(private readonly bytes: Uint8Array, public at = 0) {}

  byte(): number {
    if (this.at >= this.bytes.length) throw new RangeError('past the end of the wasm binary');
    return this.bytes[this.at++];
  }

  u32(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const b = this.byte();
      value += (b & 0x7f) * 2 ** shift;
      if ((b & 0x80) === 0) return value;
    }
    throw new RangeError('LEB128 longer than 5 bytes');
  }

  skip(count: number): void {
    this.at += count;
  }
}

/** Unsigned LEB128 bytes of `value`. */
export function u32Bytes(value: number): number[] {
  const out: number[] = [];
  do {
    let b = value % 128;
    value = Math.floor(value / 128);
    if (value > 0) b |= 0x80;
    out.push(b);
  } while (value > 0);
  return out;
}

export function wasmLayout(bytes: Uint8Array): WasmLayout | undefined {
  if (bytes.length < header.length || header.some((b, i) => bytes[i] !== b)) return undefined;
  try {
    const reader = new WasmReader(bytes, 8);
    const sections: WasmSection[] = [];
    let importedFunctions = 0;
    let declaredFunctions = 0;
    while (reader.at < bytes.length) {
      const start = reader.at;
      const id = reader.byte();
      const size = reader.u32();
      const section = { id, start, contents: reader.at, end: reader.at + size };
      if (section.end > bytes.length) return undefined;
      if (id === sectionIds.import) importedFunctions = countFunctionImports(new WasmReader(bytes, section.contents));
      if (id === sectionIds.function) declaredFunctions = new WasmReader(bytes, section.contents).u32();
      sections.push(section);
      reader.at = section.end;
    }
    return { sections, importedFunctions, declaredFunctions };
  } catch {
    return undefined;
  }
}

function countFunctionImports(reader: WasmReader): number {
  let functions = 0;
  const count = reader.u32();
  for (let i = 0; i < count; i++) {
    reader.skip(reader.u32());
    reader.skip(reader.u32());
    const kind = reader.byte();
    if (kind === importKinds.function) {
      reader.u32();
      functions++;
    } else if (kind === importKinds.table) {
      reader.byte();
      skipLimits(reader);
    } else if (kind === importKinds.memory) {
      skipLimits(reader);
    } else if (kind === importKinds.global) {
      reader.skip(2);
    } else if (kind === importKinds.tag) {
      reader.byte();
      reader.u32();
    } else {
      throw new RangeError(`unknown import kind ${kind}`);
    }
  }
  return functions;
}

function skipLimits(reader: WasmReader): void {
  const flags = reader.byte();
  reader.u32();
  if (flags & 1) reader.u32();
}

/** The code section, if any. */
export function codeSection(layout: WasmLayout): WasmSection | undefined {
  return layout.sections.find((s) => s.id === sectionIds.code);
}
