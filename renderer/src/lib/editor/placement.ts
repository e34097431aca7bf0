import type { Graph } from '../../../../shared/graph/types';
import type { XY } from './ops';

/**
 * Where new layers go so that they land on no other layer: added, pasted and keyboard-added layers used to stack
 * on top of each other. Cards are 216 px wide; their height varies a little (an error line), so a generous box is
 * kept free around each.
 */
export const CARD = { width: 216, height: 96 } as const;
const GAP = 16;
const STEP_Y = CARD.height + GAP;
const STEP_X = CARD.width + 24;

type Box = { x: number; y: number };

function overlaps(a: Box, b: Box): boolean {
  return Math.abs(a.x - b.x) < CARD.width + GAP && Math.abs(a.y - b.y) < CARD.height + GAP;
}

/**
 * Candidate shifts from the wanted place, nearest first: a graph grows downwards, so a step down the column costs
 * less than a step to the side.
 */
const SHIFTS: readonly XY[] = (() => {
  const all: { s: XY; cost: number }[] = [];
  for (let row = 0; row < 40; row++) {
    for (let col = -2; col <= 4; col++) all.push({ s: { x: col * STEP_X, y: row * STEP_Y }, cost: row + 1.5 * Math.abs(col) });
  }
  return all.sort((a, b) => a.cost - b.cost).map((c) => c.s);
})();

/**
 * The smallest shift (see `shifts`) that puts every box of `group` clear of every node of `graph`; the group
 * keeps its own arrangement. Falls back to no shift when the graph is so crowded that nothing is free nearby.
 */
export function freeShift(graph: Graph, group: readonly XY[]): XY {
  const taken = graph.nodes.map((n) => n.position ?? { x: 0, y: 0 });
  for (const s of SHIFTS) {
    const clear = group.every((p) => taken.every((t) => !overlaps({ x: p.x + s.x, y: p.y + s.y }, t)));
    if (clear) return s;
  }
  return { x: 0, y: 0 };
}

/** The free spot nearest to `wanted` (on the same column first) for one new card. */
export function freeSpot(graph: Graph, wanted: XY): XY {
  const s = freeShift(graph, [wanted]);
  return { x: Math.round(wanted.x + s.x), y: Math.round(wanted.y + s.y) };
}
