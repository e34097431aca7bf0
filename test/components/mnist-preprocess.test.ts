import { describe, expect, it } from 'vitest';
import { MNIST_SIZE, toMnist } from '../../renderer/src/training/mnistPreprocess';

/** A W x H black image with white rectangles [x0, y0, x1, y1) painted in. */
function image(w: number, h: number, rects: [number, number, number, number][]): number[] {
  const px = new Array<number>(w * h).fill(0);
  for (const [x0, y0, x1, y1] of rects) for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) px[y * w + x] = 255;
  return px;
}

function inkBox(px: number[]): { top: number; bottom: number; left: number; right: number } {
  let top = 99, bottom = -1, left = 99, right = -1;
  for (let y = 0; y < MNIST_SIZE; y++) {
    for (let x = 0; x < MNIST_SIZE; x++) {
      if (px[y * MNIST_SIZE + x]! > 0) {
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
        left = Math.min(left, x);
        right = Math.max(right, x);
      }
    }
  }
  return { top, bottom, left, right };
}

function centreOfMass(px: number[]): { x: number; y: number } {
  let m = 0, sx = 0, sy = 0;
  px.forEach((v, i) => {
    m += v;
    sx += v * ((i % MNIST_SIZE) + 0.5);
    sy += v * (Math.floor(i / MNIST_SIZE) + 0.5);
  });
  return { x: sx / m, y: sy / m };
}

/** The centre of mass within half a pixel of the image's centre (14, 14), as MNIST's digits are. */
function expectCentred(px: number[]): void {
  const c = centreOfMass(px);
  expect(Math.abs(c.x - 14)).toBeLessThanOrEqual(0.5);
  expect(Math.abs(c.y - 14)).toBeLessThanOrEqual(0.5);
}

describe('draw-a-digit is preprocessed as MNIST was made', () => {
  it('a 7 filling the whole 224 px pad becomes a digit inside a 20 x 20 box, centred by mass in 28 x 28', () => {
    // A large 7: a bar along the top and a stroke down the right side, edge to edge.
    const seven = image(224, 224, [
      [0, 0, 224, 30],
      [190, 0, 224, 224],
    ]);
    const out = toMnist(seven, 224, 224)!;
    expect(out).toHaveLength(784);
    const box = inkBox(out);
    expect(box.bottom - box.top + 1).toBeLessThanOrEqual(20);
    expect(box.right - box.left + 1).toBeLessThanOrEqual(20);
    expectCentred(out);
    // Its mass is right-heavy, so the box is shifted left of the middle, as in MNIST.
    expect(box.left).toBeLessThan(4);
  });

  it('a small digit drawn in a corner is scaled up and moved to the centre; a thin 1 keeps its aspect', () => {
    const one = image(224, 224, [[10, 10, 20, 70]]);
    const out = toMnist(one, 224, 224)!;
    const box = inkBox(out);
    expect(box.bottom - box.top + 1).toBe(20);
    expect(box.right - box.left + 1).toBeLessThanOrEqual(4);
    expectCentred(out);
  });

  it('anti-aliases: grey levels average what each pixel covers; nothing drawn gives null', () => {
    const half = image(40, 40, [[0, 0, 40, 20]]);
    const out = toMnist(half, 40, 40)!;
    expect(Math.max(...out)).toBe(255);
    expect(toMnist(new Array(100).fill(0), 10, 10)).toBeNull();
    // A thin stroke is cropped to its own width first, so it keeps full ink rather than fading to grey.
    const line = toMnist(image(224, 224, [[100, 0, 103, 224]]), 224, 224)!;
    expect(Math.max(...line)).toBe(255);
  });
});
