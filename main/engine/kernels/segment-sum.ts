/**
 * UnsortedSegmentSum for wasm, which the stock backend lacks ("Kernel 'UnsortedSegmentSum' not registered for
 * backend 'wasm'"). tfjs' gradient of Gather, i.e. of every Embedding, scatters the output gradient back to the
 * rows it was gathered from with this op. A one-hot matmul would need vocabulary x tokens floats (10000 x 8192 for
 * an IMDB batch); a direct accumulation over the tokens is linear in the gradient's size. Ids outside
 * [0, numSegments) are dropped, as TensorFlow does.
 */
import type { KernelBackend, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs';

export function unsortedSegmentSumWasm(backend: KernelBackend) {
  return (args: { inputs: Record<string, TensorInfo>; attrs?: NamedAttrMap }): TensorInfo => {
    const { x, segmentIds } = args.inputs as { x: TensorInfo; segmentIds: TensorInfo };
    const numSegments = Number(args.attrs?.['numSegments']);
    const values = backend.readSync(x.dataId) as Float32Array | Int32Array;
    const ids = backend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
    // Segment ids cover the leading axes of x; each id owns one row of the remaining axes.
    const rows = ids.length;
    const width = rows === 0 ? 0 : values.length / rows;
    const shape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
    const out = x.dtype === 'int32' ? new Int32Array(numSegments * width) : new Float32Array(numSegments * width);
    for (let r = 0; r < rows; r++) {
      const id = ids[r]!;
      if (id < 0 || id >= numSegments) continue;
      const src = r * width;
      const dst = id * width;
      for (let j = 0; j < width; j++) out[dst + j]! += values[src + j]!;
    }
    return { dataId: backend.write(out, shape, x.dtype), shape, dtype: x.dtype };
  };
}
