/**
 * Decodes ONNX AttributeProto lists into plain attribute records (numbers, strings, lists,
 * tensors). Graph-valued attributes (If, Loop, Scan bodies) are refused: nncc compiles
 * straight-line graphs only.
 */
import onnxProto from 'onnx-proto';
import type { AttributeValue, Attributes } from '../../runtime/kernels/kernel.js';
import { CompileError, codes, type DiagnosticLocation } from '../diagnostics.js';
import { decodeTensor, toNumber, type TensorSource } from './tensor-proto.js';

const { onnx } = onnxProto;
const T = onnx.AttributeProto.AttributeType;
const utf8 = new TextDecoder();

export function decodeAttributes(
  protos: readonly onnxProto.onnx.IAttributeProto[],
  where: DiagnosticLocation,
  source: TensorSource,
): Attributes {
  const attrs: Record<string, AttributeValue> = {};
  for (const proto of protos) {
    const name = proto.name ?? '';
    attrs[name] = decodeAttribute(proto, where, source);
  }
  return attrs;
}

function decodeAttribute(proto: onnxProto.onnx.IAttributeProto, where: DiagnosticLocation, source: TensorSource): AttributeValue {
  switch (proto.type ?? guessType(proto)) {
    case T.FLOAT: return proto.f ?? 0;
    case T.INT: return toNumber(proto.i ?? 0);
    case T.STRING: return utf8.decode(proto.s ?? new Uint8Array());
    case T.TENSOR: return decodeTensor(proto.t ?? {}, `attribute '${proto.name}' of node '${where.node}'`, source);
    case T.FLOATS: return [...(proto.floats ?? [])];
    case T.INTS: return (proto.ints ?? []).map(toNumber);
    case T.STRINGS: return (proto.strings ?? []).map((s) => utf8.decode(s));
    default:
      throw new CompileError(codes.invalidNode, `attribute '${proto.name}' has a type nncc does not support (graph, sparse tensor or type proto)`,
        where, 'nncc compiles straight-line graphs; export the model without control flow');
  }
}

/** Old exporters leave `type` unset; the field that is filled tells it. */
function guessType(proto: onnxProto.onnx.IAttributeProto): number {
  if (proto.floats?.length) return T.FLOATS;
  if (proto.ints?.length) return T.INTS;
  if (proto.strings?.length) return T.STRINGS;
  if (proto.t) return T.TENSOR;
  if (proto.g) return T.GRAPH;
  if (proto.s?.length) return T.STRING;
  if (proto.i !== undefined && proto.i !== null && toNumber(proto.i) !== 0) return T.INT;
  if (proto.f) return T.FLOAT;
  return T.INT;
}
