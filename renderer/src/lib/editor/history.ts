/**
 * Undo/redo over immutable snapshots. Snapshots share structure (only the changed node is a new object), so a
 * long history costs little memory. Edits with the same `coalesce` key in quick succession (typing in one
 * inspector field) merge into one step.
 */
export interface History<T> {
  past: readonly T[];
  present: T;
  future: readonly T[];
  lastKey: string | null;
  lastAt: number;
}

export const HISTORY_LIMIT = 200;
const COALESCE_MS = 1200;

export function initHistory<T>(present: T): History<T> {
  return { past: [], present, future: [], lastKey: null, lastAt: 0 };
}

export function push<T>(h: History<T>, next: T, coalesce: string | null = null, now = Date.now()): History<T> {
  if (next === h.present) return h;
  const merge = coalesce !== null && coalesce === h.lastKey && now - h.lastAt < COALESCE_MS && h.future.length === 0;
  const past = merge ? h.past : [...h.past, h.present].slice(-HISTORY_LIMIT);
  return { past, present: next, future: [], lastKey: coalesce, lastAt: now };
}

export function undo<T>(h: History<T>): History<T> {
  if (h.past.length === 0) return h;
  return {
    past: h.past.slice(0, -1),
    present: h.past[h.past.length - 1],
    future: [h.present, ...h.future],
    lastKey: null,
    lastAt: 0,
  };
}

export function redo<T>(h: History<T>): History<T> {
  if (h.future.length === 0) return h;
  return { past: [...h.past, h.present], present: h.future[0], future: h.future.slice(1), lastKey: null, lastAt: 0 };
}
