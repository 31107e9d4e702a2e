/**
 * Tables read by rows (`PlanStep.tableRows`, compiler/lower/table-rows.ts): before every run of
 * such a Gather, the executing lane reads the rows its indices name from the weights file into
 * the table's image, runs of consecutive rows as one read. The rest of the table is never read,
 * so its pages are never touched. An index outside the table, when the indices are a model
 * input, is refused naming that input; the kernel refuses any other.
 */
import { closeSync, readSync } from 'node:fs';
import { BundleError, FeedError, runtimeCodes } from '../errors/errors.js';
import type { KernelMemory } from '../kernels/variant.js';
import type { Plan } from '../plan/plan.js';

export class TableRowReader {
  private fd: number;

  /** `fd`: the weights file, open; the reader owns it from now on (`close`). */
  constructor(private readonly plan: Plan, private readonly memory: KernelMemory, fd: number, private readonly file: string) {
    this.fd = fd;
  }

  /** Reads the rows step `step`'s indices name (a step without `tableRows` reads nothing). */
  before(step: number): void {
    const planStep = this.plan.steps[step];
    if (!planStep.tableRows) return;
    if (this.fd < 0) throw new BundleError(runtimeCodes.disposed, this.file, 'the session was disposed');
    const table = this.plan.values[planStep.inputs[0]];
    const segment = this.plan.segments[table.segment!];
    const rows = table.dims[0];
    const rowBytes = table.bytes / rows;
    const wanted = this.rowsOf(planStep.inputs[1], rows);
    for (let i = 0; i < wanted.length;) {
      let end = i + 1;
      while (end < wanted.length && wanted[end] === wanted[end - 1] + 1) end++;
      const at = segment.offset + wanted[i] * rowBytes;
      this.read(at, this.plan.weightsOffset + at, (end - i) * rowBytes);
      i = end;
    }
  }

  /** The distinct rows the indices value names, ascending (negative indices count from the end). */
  private rowsOf(indicesValue: number, rows: number): number[] {
    const value = this.plan.values[indicesValue];
    const count = value.dims.reduce((a, b) => a * b, 1);
    const indices = value.dtype === 'int64'
      ? Array.from(new BigInt64Array(this.memory.buffer, value.offset, count), Number)
      : Array.from(new Int32Array(this.memory.buffer, value.offset, count));
    const wanted = new Set<number>();
    for (const index of indices) {
      const row = index < 0 ? index + rows : index;
      if (row >= 0 && row < rows) {
        wanted.add(row);
      } else if (this.plan.inputs.includes(indicesValue)) {
        throw new FeedError(value.name, `holds index ${index}, outside the ${rows} rows of the table it indexes (${-rows} to ${rows - 1})`);
      }
    }
    return [...wanted].sort((a, b) => a - b);
  }

  private read(fileOffset: number, memoryOffset: number, bytes: number): void {
    const target = new Uint8Array(this.memory.buffer, memoryOffset, bytes);
    for (let done = 0; done < bytes;) {
      const n = readSync(this.fd, target, done, bytes - done, fileOffset + done);
      if (n === 0) throw new BundleError(runtimeCodes.fileSizeMismatch, this.file, `weights file ended at byte ${fileOffset + done}`);
      done += n;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }
}
