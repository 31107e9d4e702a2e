/**
 * Embedding tables read by rows: a Gather over axis 0 of a constant table with indices known only
 * at run time (token ids) needs the rows its indices name, not the table. Such a step's plan says
 * `tableRows`: the runtime reads, before every run of the step, just those rows from the weights
 * file into the table's image (runtime/load/table-rows.ts), so a text encoder's cold start reads
 * sequence × row bytes instead of its vocabulary (MiniLM: 128 × 1.5 KB of a 47 MB table) and the
 * rest of the table never occupies memory. The one rule, shared by the search's read costs and
 * lowering.
 */
import { attrInt } from '../../runtime/kernels/kernel.js';
import { sizeOf } from '../../runtime/tensor/tensor.js';
import { consumersOf, type Graph, type Node } from '../ir/graph.js';

/** Below this a table is read whole: its read is cheap and rows would save little. */
const smallestTableBytes = 256 << 10;

/** The bytes of the rows `node` reads from its table when it reads by rows, else undefined. */
export function tableRowsBytes(graph: Graph, node: Node): number | undefined {
  if (node.op !== 'Gather' || node.fused || attrInt(node.attrs, 'axis', 0) !== 0) return undefined;
  const [tableName, indicesName] = node.inputs;
  const table = graph.constants.get(tableName);
  const indices = graph.values.get(indicesName);
  if (!table || !indices || graph.constants.has(indicesName) || table.dims.length < 1 || table.dims[0] === 0) return undefined;
  if (indices.dtype !== 'int64' && indices.dtype !== 'int32') return undefined;
  if (table.data.byteLength < smallestTableBytes || graph.outputs.includes(tableName)) return undefined;
  const rowBytes = table.data.byteLength / table.dims[0];
  const rowsBytes = sizeOf(indices.dims) * rowBytes;
  if (rowsBytes * 4 > table.data.byteLength) return undefined;
  const readers = consumersOf(graph).get(tableName) ?? [];
  return readers.length === 1 && readers[0] === node ? rowsBytes : undefined;
}
