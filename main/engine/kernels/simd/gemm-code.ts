/**
 * Two matrix-product kernels in WebAssembly SIMD, generated as code (see wasm-encoder.ts), that read tfjs' tensors
 * where they lie in the wasm heap, in their row-major layout. XNNPACK (behind the stock wasm kernels) first packs its
 * "weights" operand into panels on every call, and tfjs adds transposes around it; in training the weights change
 * every step, so that packing and those transposes cost as much as the arithmetic for the shapes of a typical CNN
 * (a Dense layer's 1.2M weights, a convolution's dy used as a filter). These kernels pack nothing: a 4x8 block of
 * the result stays in eight v128 registers while the shared dimension streams through.
 *
 * `nn`  C[M,N] = A[M,K]·B[K,N] (+ bias[N], then ReLU), or with flag TRANSPOSED_OUT the same product written as
 *       Cᵀ[N,M]. N must be a multiple of 4. Rows m0..m1 of C only (to split the work between threads).
 * `conv` out[b,oh,ow,co] = Σ_{kh,kw,ci} x[b, oh·sh+kh·dh, ow·sw+kw·dw, ci] · w[kh,kw,ci,co] (+ bias, ReLU): a
 *       valid-padded convolution (pad x first) as the same 4x8 blocks, 4 neighbouring output pixels by 8 output
 *       channels, the filter read in its own layout. Co a multiple of 4; output rows (b, oh) m0..m1.
 * `maxPoolGrad` dx of a max pooling with disjoint KHxKW windows (stride = window, no padding, H = OH·KH,
 *       W = OW·KW): each window's dy goes to the first position equal to its maximum y (TensorFlow's tie rule), the
 *       rest get 0; one pass, 4 channels at a time. C a multiple of 4; output rows (b, oh) m0..m1.
 * `pad` zero padding of x [B, H, W, C] by pt/pb rows and pl/pr columns (C a multiple of 4), a row at a time
 *       (tfjs' generic PadV2 costs as much as a fifth of the convolution it prepares); output rows m0..m1.
 * `filterGrad` (x, dy, out, B, OH, OW, H, W, Ci, Co, KW, SH, SW, DH, DW, accumulate, m0, m1): dW[kh,kw,ci,co] (+= with accumulate) = Σ_{b,oh,ow} x[b, oh·sh+kh·dh, ow·sw+kw·dw, ci] · dy[b,oh,ow,co]: a convolution's
 *       filter gradient (valid padding: pad x first) read straight from x and dy, no im2col. A Dense layer's weight
 *       gradient xᵀ·dy is the case H=OH=B=1, W=OW=batch, kernel 1x1. Ci and Co multiples of 4; rows m0..m1 of dW
 *       viewed as [KH·KW·Ci, Co], m0 and m1 multiples of 4.
 */
import { FunctionBuilder, I32, V128 } from './wasm-encoder';
import type { Local } from './wasm-encoder';

export const RELU = 1;
export const TRANSPOSED_OUT = 2;

/** Byte lanes of i8x16.shuffle that broadcast f32 lane `r` of the first operand. */
const splatLane = (r: number) => Array.from({ length: 16 }, (_, i) => 4 * r + (i % 4));

function accumulators(f: FunctionBuilder): Local[][] {
  return [0, 1, 2, 3].map(() => [f.local(V128), f.local(V128)]);
}

/** acc += s * b for the v128 locals given. */
function madd(f: FunctionBuilder, acc: Local, s: () => void, b: Local): void {
  f.get(acc);
  s();
  f.get(b);
  f.f32x4Mul();
  f.f32x4Add();
  f.set(acc);
}

export function nnKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(10).fill(I32));
  const [a, b, c, bias, M, K, N, flags, m0, m1] = Array.from({ length: 10 }, (_, i) => f.param(i));
  const [i, j, k, pb, rowBytes, nBytes] = Array.from({ length: 6 }, () => f.local(I32));
  const pa = [0, 1, 2, 3].map(() => f.local(I32));
  const acc = accumulators(f);
  const bv = [f.local(V128), f.local(V128)];
  const s = f.local(V128);

  f.get(K).i32(2).shl().set(rowBytes);
  f.get(N).i32(2).shl().set(nBytes);

  const tile = (mr: number, nv: number) => {
    for (let r = 0; r < mr; r++) f.get(i).i32(r).add().get(rowBytes).mul().get(a).add().set(pa[r]!);
    f.get(j).i32(2).shl().get(b).add().set(pb);
    for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.v128Zero().set(acc[r]![v]!);
    f.i32(0).set(k);
    f.loopWhile(() => f.get(k).get(K).ltU(), () => {
      for (let v = 0; v < nv; v++) f.get(pb).v128Load(16 * v).set(bv[v]!);
      for (let r = 0; r < mr; r++) {
        f.get(pa[r]!).v128Load32Splat().set(s);
        for (let v = 0; v < nv; v++) madd(f, acc[r]![v]!, () => f.get(s), bv[v]!);
        f.inc(pa[r]!, () => f.i32(4));
      }
      f.inc(pb, () => f.get(nBytes));
      f.inc(k, () => f.i32(1));
    });
    // Transposed: C[j+4v+q, i+r] = acc[r][v] lane q.
    f.ifThen(() => f.get(flags).i32(TRANSPOSED_OUT).and(), () => {
      for (let r = 0; r < mr; r++) {
        for (let v = 0; v < nv; v++) {
          for (let q = 0; q < 4; q++) {
            f.get(j).i32(4 * v + q).add().get(M).mul().get(i).add().i32(r).add().i32(2).shl().get(c).add();
            f.get(acc[r]![v]!).storeLane(q);
          }
        }
      }
    });
    f.ifThen(() => f.get(flags).i32(TRANSPOSED_OUT).and().eqz(), () => {
      f.ifThen(() => f.get(bias), () => {
        for (let r = 0; r < mr; r++) {
          for (let v = 0; v < nv; v++) {
            f.get(acc[r]![v]!).get(j).i32(2).shl().get(bias).add().v128Load(16 * v).f32x4Add().set(acc[r]![v]!);
          }
        }
      });
      f.ifThen(() => f.get(flags).i32(RELU).and(), () => {
        for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.get(acc[r]![v]!).v128Zero().f32x4Max().set(acc[r]![v]!);
      });
      for (let r = 0; r < mr; r++) {
        for (let v = 0; v < nv; v++) {
          f.get(i).i32(r).add().get(N).mul().get(j).add().i32(2).shl().get(c).add();
          f.get(acc[r]![v]!).v128Store(16 * v);
        }
      }
    });
  };

  // Column panels outside, row blocks inside: a panel of B (K x 8) stays in cache while every row block uses it.
  f.i32(0).set(j);
  for (const nv of [2, 1]) {
    f.loopWhile(() => f.get(j).i32(4 * nv).add().get(N).leU(), () => {
      f.get(m0).set(i);
      for (const mr of [4, 1]) {
        f.loopWhile(() => f.get(i).i32(mr).add().get(m1).leU(), () => {
          tile(mr, nv);
          f.inc(i, () => f.i32(mr));
        });
      }
      f.inc(j, () => f.i32(4 * nv));
    });
  }
  return f;
}

export function filterGradKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(18).fill(I32));
  const [x, dy, out, B, OH, OW, H, W, Ci, Co, KW, SH, SW, DH, DW, accumulate, m0, m1] = Array.from({ length: 18 }, (_, i) => f.param(i));
  const [bi, oh, m, j, ow, p, end, dyRow, xRow, px, pd, coBytes, xStep, kwci] = Array.from({ length: 14 }, () => f.local(I32));
  const acc = accumulators(f);
  const bv = [f.local(V128), f.local(V128)];
  const av = f.local(V128);

  f.get(Co).i32(2).shl().set(coBytes);
  f.get(SW).get(Ci).mul().i32(2).shl().set(xStep);
  f.get(KW).get(Ci).mul().set(kwci);
  // Zero rows m0..m1 of the result (unless accumulating into it); every (b, oh) row of dy then adds its share.
  f.ifThen(() => f.get(accumulate).eqz(), () => {
    f.get(m0).get(coBytes).mul().get(out).add().set(p);
    f.get(m1).get(coBytes).mul().get(out).add().set(end);
    f.loopWhile(() => f.get(p).get(end).ltU(), () => {
      f.get(p).v128Zero().v128Store();
      f.inc(p, () => f.i32(16));
    });
  });

  const tile = (nv: number) => {
    for (let r = 0; r < 4; r++) {
      for (let v = 0; v < nv; v++) {
        f.get(m).i32(r).add().get(Co).mul().get(j).add().i32(2).shl().get(out).add().v128Load(16 * v).set(acc[r]![v]!);
      }
    }
    f.get(xRow).set(px);
    f.get(j).i32(2).shl().get(dyRow).add().set(pd);
    f.i32(0).set(ow);
    f.loopWhile(() => f.get(ow).get(OW).ltU(), () => {
      f.get(px).v128Load().set(av);
      for (let v = 0; v < nv; v++) f.get(pd).v128Load(16 * v).set(bv[v]!);
      for (let r = 0; r < 4; r++) {
        for (let v = 0; v < nv; v++) madd(f, acc[r]![v]!, () => f.get(av).get(av).shuffle(splatLane(r)), bv[v]!);
      }
      f.inc(px, () => f.get(xStep));
      f.inc(pd, () => f.get(coBytes));
      f.inc(ow, () => f.i32(1));
    });
    for (let r = 0; r < 4; r++) {
      for (let v = 0; v < nv; v++) {
        f.get(m).i32(r).add().get(Co).mul().get(j).add().i32(2).shl().get(out).add();
        f.get(acc[r]![v]!).v128Store(16 * v);
      }
    }
  };

  f.i32(0).set(bi);
  f.loopWhile(() => f.get(bi).get(B).ltU(), () => {
    f.i32(0).set(oh);
    f.loopWhile(() => f.get(oh).get(OH).ltU(), () => {
      f.get(bi).get(OH).mul().get(oh).add().get(OW).mul().get(coBytes).mul().get(dy).add().set(dyRow);
      f.get(m0).set(m);
      f.loopWhile(() => f.get(m).i32(4).add().get(m1).leU(), () => {
        // m = (kh·KW + kw)·Ci + ci
        const kh = () => f.get(m).get(kwci).divU();
        const kw = () => f.get(m).get(kwci).remU().get(Ci).divU();
        const ci = () => f.get(m).get(Ci).remU();
        f.get(bi).get(H).mul().get(oh).get(SH).mul().add();
        kh();
        f.get(DH).mul().add().get(W).mul();
        kw();
        f.get(DW).mul().add().get(Ci).mul();
        ci();
        f.add().i32(2).shl().get(x).add().set(xRow);
        f.i32(0).set(j);
        for (const nv of [2, 1]) {
          f.loopWhile(() => f.get(j).i32(4 * nv).add().get(Co).leU(), () => {
            tile(nv);
            f.inc(j, () => f.i32(4 * nv));
          });
        }
        f.inc(m, () => f.i32(4));
      });
      f.inc(oh, () => f.i32(1));
    });
    f.inc(bi, () => f.i32(1));
  });
  return f;
}

export function convKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(20).fill(I32));
  const [x, w, out, bias, H, W, Ci, OH, OW, Co, KH, KW, SH, SW, DH, DW, flags, m0, m1] = [0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19].map((i) => f.param(i));
  const [row, bi, oh, ow, j, kh, kw, ci, pb, xBase, coBytes, colStep, outRow] = Array.from({ length: 13 }, () => f.local(I32));
  const pa = [0, 1, 2, 3].map(() => f.local(I32));
  const acc = accumulators(f);
  const bv = [f.local(V128), f.local(V128)];
  const s = f.local(V128);

  f.get(Co).i32(2).shl().set(coBytes);
  f.get(SW).get(Ci).mul().i32(2).shl().set(colStep);

  const tile = (mr: number, nv: number) => {
    for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.v128Zero().set(acc[r]![v]!);
    f.get(j).i32(2).shl().get(w).add().set(pb);
    f.i32(0).set(kh);
    f.loopWhile(() => f.get(kh).get(KH).ltU(), () => {
      f.i32(0).set(kw);
      f.loopWhile(() => f.get(kw).get(KW).ltU(), () => {
        // x[b, oh·SH + kh·DH, (ow + r)·SW + kw·DW, 0]
        f.get(bi).get(H).mul().get(oh).get(SH).mul().add().get(kh).get(DH).mul().add().get(W).mul();
        f.get(ow).get(SW).mul().add().get(kw).get(DW).mul().add().get(Ci).mul().i32(2).shl().get(x).add().set(xBase);
        for (let r = 0; r < mr; r++) f.get(xBase).i32(r).get(colStep).mul().add().set(pa[r]!);
        f.i32(0).set(ci);
        f.loopWhile(() => f.get(ci).get(Ci).ltU(), () => {
          for (let v = 0; v < nv; v++) f.get(pb).v128Load(16 * v).set(bv[v]!);
          for (let r = 0; r < mr; r++) {
            f.get(pa[r]!).v128Load32Splat().set(s);
            for (let v = 0; v < nv; v++) madd(f, acc[r]![v]!, () => f.get(s), bv[v]!);
            f.inc(pa[r]!, () => f.i32(4));
          }
          f.inc(pb, () => f.get(coBytes));
          f.inc(ci, () => f.i32(1));
        });
        f.inc(kw, () => f.i32(1));
      });
      f.inc(kh, () => f.i32(1));
    });
    f.ifThen(() => f.get(bias), () => {
      for (let r = 0; r < mr; r++) {
        for (let v = 0; v < nv; v++) f.get(acc[r]![v]!).get(j).i32(2).shl().get(bias).add().v128Load(16 * v).f32x4Add().set(acc[r]![v]!);
      }
    });
    f.ifThen(() => f.get(flags).i32(RELU).and(), () => {
      for (let r = 0; r < mr; r++) for (let v = 0; v < nv; v++) f.get(acc[r]![v]!).v128Zero().f32x4Max().set(acc[r]![v]!);
    });
    for (let r = 0; r < mr; r++) {
      for (let v = 0; v < nv; v++) {
        f.get(outRow).get(ow).i32(r).add().get(Co).mul().get(j).add().i32(2).shl().add();
        f.get(acc[r]![v]!).v128Store(16 * v);
      }
    }
  };

  f.get(m0).set(row);
  f.loopWhile(() => f.get(row).get(m1).ltU(), () => {
    f.get(row).get(OH).divU().set(bi);
    f.get(row).get(OH).remU().set(oh);
    f.get(row).get(OW).mul().get(Co).mul().i32(2).shl().get(out).add().set(outRow);
    const columns = (mr: number) => {
      f.i32(0).set(j);
      for (const nv of [2, 1]) {
        f.loopWhile(() => f.get(j).i32(4 * nv).add().get(Co).leU(), () => {
          tile(mr, nv);
          f.inc(j, () => f.i32(4 * nv));
        });
      }
    };
    f.i32(0).set(ow);
    f.loopWhile(() => f.get(ow).i32(4).add().get(OW).leU(), () => {
      columns(4);
      f.inc(ow, () => f.i32(4));
    });
    // 1-3 pixels left over: one more block of 4 ending at the row's end (it recomputes a few pixels, which is
    // cheaper than single-pixel blocks); single pixels only for rows narrower than 4.
    f.ifThen(() => f.get(ow).get(OW).ltU().i32(4).get(OW).leU().and(), () => {
      f.get(OW).i32(4).sub().set(ow);
      columns(4);
      f.get(OW).set(ow);
    });
    f.loopWhile(() => f.get(ow).get(OW).ltU(), () => {
      columns(1);
      f.inc(ow, () => f.i32(1));
    });
    f.inc(row, () => f.i32(1));
  });
  return f;
}

export function maxPoolGradKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(11).fill(I32));
  const [x, y, dy, dx, OW, C, W, KH, KW, m0, m1] = Array.from({ length: 11 }, (_, i) => f.param(i));
  const [row, ow, c, i, j, pyo, addr] = Array.from({ length: 7 }, () => f.local(I32));
  const [yv, dv, taken, eq] = Array.from({ length: 4 }, () => f.local(V128));

  f.get(m0).set(row);
  f.loopWhile(() => f.get(row).get(m1).ltU(), () => {
    f.i32(0).set(ow);
    f.loopWhile(() => f.get(ow).get(OW).ltU(), () => {
      f.i32(0).set(c);
      f.loopWhile(() => f.get(c).get(C).ltU(), () => {
        f.get(row).get(OW).mul().get(ow).add().get(C).mul().get(c).add().i32(2).shl().set(pyo);
        f.get(pyo).get(y).add().v128Load().set(yv);
        f.get(pyo).get(dy).add().v128Load().set(dv);
        f.v128Zero().set(taken);
        f.i32(0).set(i);
        f.loopWhile(() => f.get(i).get(KH).ltU(), () => {
          f.i32(0).set(j);
          f.loopWhile(() => f.get(j).get(KW).ltU(), () => {
            // ((row·KH + i)·W + ow·KW + j)·C + c
            f.get(row).get(KH).mul().get(i).add().get(W).mul().get(ow).get(KW).mul().add().get(j).add().get(C).mul().get(c).add().i32(2).shl().set(addr);
            f.get(addr).get(x).add().v128Load().get(yv).f32x4Eq().set(eq);
            f.get(addr).get(dx).add();
            f.get(eq).get(taken).v128AndNot().get(dv).v128And();
            f.v128Store();
            f.get(taken).get(eq).v128Or().set(taken);
            f.inc(j, () => f.i32(1));
          });
          f.inc(i, () => f.i32(1));
        });
        f.inc(c, () => f.i32(4));
      });
      f.inc(ow, () => f.i32(1));
    });
    f.inc(row, () => f.i32(1));
  });
  return f;
}

export function padKernel(): FunctionBuilder {
  const f = new FunctionBuilder(new Array<typeof I32>(11).fill(I32));
  const [src, dst, H, W, C, pt, pl, pr, OH, m0, m1] = Array.from({ length: 11 }, (_, i) => f.param(i));
  const [row, h, p, end, q] = Array.from({ length: 5 }, () => f.local(I32));
  const zeroUntil = (limit: () => void) => {
    f.loopWhile(() => {
      f.get(p);
      limit();
      f.ltU();
    }, () => {
      f.get(p).v128Zero().v128Store();
      f.inc(p, () => f.i32(16));
    });
  };
  f.get(m0).set(row);
  f.loopWhile(() => f.get(row).get(m1).ltU(), () => {
    // dst row `row` = (b, oh); its source row is h = oh - pt in image b, if inside.
    f.get(row).get(OH).remU().get(pt).sub().set(h);
    f.get(row).get(pl).get(W).add().get(pr).add().mul().get(C).mul().i32(2).shl().get(dst).add().set(p);
    f.get(p).get(pl).get(W).add().get(pr).add().get(C).mul().i32(2).shl().add().set(end);
    f.ifThen(() => f.get(h).get(H).ltU(), () => {
      f.get(p).get(pl).get(C).mul().i32(2).shl().add().set(q);
      zeroUntil(() => f.get(q));
      // source row: (b·H + h)·W·C
      f.get(row).get(OH).divU().get(H).mul().get(h).add().get(W).mul().get(C).mul().i32(2).shl().get(src).add().set(q);
      f.get(p).get(W).get(C).mul().i32(2).shl().add().set(h);
      f.loopWhile(() => f.get(p).get(h).ltU(), () => {
        f.get(p).get(q).v128Load().v128Store();
        f.inc(p, () => f.i32(16));
        f.inc(q, () => f.i32(16));
      });
    });
    zeroUntil(() => f.get(end));
    f.inc(row, () => f.i32(1));
  });
  return f;
}
