// A small builder for ONNX graphs on top of onnx-proto (the official onnx.proto compiled by protobufjs): named
// float initializers, typed inputs/outputs with symbolic dimensions, nodes. Enough for the catalog text encoder and
// for the tiny sentence-transformers-shaped models the tests build.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;

/** Opset 17: ReduceSum takes its axes as an input (13+), and onnxruntime 1.30 runs every op used here. */
export const OPSET = 17;
/** IR version 8 is the newest onnx-proto 8.0.1 knows; onnxruntime reads it. */
export const IR_VERSION = 8;

type Dim = number | string;

export class GraphBuilder {
  private readonly nodes: Array<Record<string, unknown>> = [];
  private readonly initializers: Array<Record<string, unknown>> = [];
  private readonly inputs: Array<Record<string, unknown>> = [];
  private readonly outputs: Array<Record<string, unknown>> = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  private static valueInfo(name: string, elemType: number, shape: readonly Dim[]) {
    return {
      name,
      type: {
        tensorType: {
          elemType,
          shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    };
  }

  input(name: string, elemType: number, shape: readonly Dim[]): string {
    this.inputs.push(GraphBuilder.valueInfo(name, elemType, shape));
    return name;
  }

  output(name: string, elemType: number, shape: readonly Dim[]): void {
    this.outputs.push(GraphBuilder.valueInfo(name, elemType, shape));
  }

  /** A float32 constant (stored as raw little-endian bytes, like every exporter does). */
  floats(name: string, dims: readonly number[], values: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (values.length !== expected)
      throw new RangeError(`${name}: ${values.length} values for shape [${dims.join(', ')}]`);
    const bytes = new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
    this.initializers.push({ name, dims: [...dims], dataType: DataType.FLOAT, rawData: bytes });
    return name;
  }

  int64s(name: string, values: readonly number[]): string {
    this.initializers.push({ name, dims: [values.length], dataType: DataType.INT64, int64Data: [...values] });
    return name;
  }

  /** A name no other value of this graph has. */
  fresh(prefix: string): string {
    return `${prefix}_${this.counter++}`;
  }

  /** Adds a node; returns its output name (`output` or a fresh one). */
  node(
    opType: string,
    inputs: readonly string[],
    attributes: Record<string, number | number[]> = {},
    output?: string,
  ): string {
    const out = output ?? this.fresh(opType.toLowerCase());
    const attribute = Object.entries(attributes).map(([name, value]) =>
      Array.isArray(value)
        ? { name, type: onnx.AttributeProto.AttributeType.INTS, ints: value }
        : Number.isInteger(value)
          ? { name, type: onnx.AttributeProto.AttributeType.INT, i: value }
          : { name, type: onnx.AttributeProto.AttributeType.FLOAT, f: value },
    );
    this.nodes.push({ opType, input: [...inputs], output: [out], name: `${out}_node`, attribute });
    return out;
  }

  /** Serialised ModelProto bytes, ready for onnxruntime or a model.onnx file. */
  encode(producer = 'recgraph'): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: producer,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    const bytes = onnx.ModelProto.encode(model).finish();
    // protobufjs hands back a Node Buffer; callers get a plain Uint8Array view of the same bytes.
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
}

/** Nodes that scale each row of a [batch, dim] tensor to unit length (rows of zeros stay zeros). */
export function l2NormalizeRows(g: GraphBuilder, x: string, axes: string, epsilon: string, output?: string): string {
  const squares = g.node('Mul', [x, x]);
  const norm = g.node('Sqrt', [g.node('ReduceSum', [squares, axes], { keepdims: 1 })]);
  return g.node('Div', [x, g.node('Max', [norm, epsilon])], {}, output);
}

/** Attention-masked mean over the sequence axis: [batch, seq, dim] × [batch, seq] → [batch, dim]. */
export function maskedMeanPoolNodes(g: GraphBuilder, tokens: string, attentionMask: string, output?: string): string {
  const seqAxis = g.int64s(g.fresh('axis_1'), [1]);
  const lastAxis = g.int64s(g.fresh('axis_2'), [2]);
  const one = g.floats(g.fresh('one'), [], Float32Array.of(1));
  const mask = g.node('Unsqueeze', [g.node('Cast', [attentionMask], { to: DataType.FLOAT }), lastAxis]);
  const summed = g.node('ReduceSum', [g.node('Mul', [tokens, mask]), seqAxis], { keepdims: 0 });
  const count = g.node('Max', [g.node('ReduceSum', [mask, seqAxis], { keepdims: 0 }), one]);
  return g.node('Div', [summed, count], {}, output);
}
