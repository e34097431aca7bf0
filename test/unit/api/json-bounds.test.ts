import { describe, expect, it } from 'vitest';
import { jsonBoundsProblem, jsonSyntaxProblem } from '../../../shared/json-bounds';
import { serializeResponse } from '../../../main/server/server';
import { installProcessGuard } from '../../../main/server/process-guard';

const nest = (depth: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i++) v = [v];
  return v;
};

describe('jsonBoundsProblem', () => {
  it('accepts plain documents and values at the depth limit', () => {
    expect(jsonBoundsProblem({ a: [1, { b: 'x' }], c: null })).toBeNull();
    expect(jsonBoundsProblem(nest(64))).toBeNull();
    expect(jsonBoundsProblem('text')).toBeNull();
  });

  it('refuses one level past the limit, and 100,000 levels without overflowing the stack, naming the path', () => {
    expect(jsonBoundsProblem(nest(65))).toMatch(/^nested more than 64 levels deep at \$(\[0\]){6}…\(64 levels\)$/);
    expect(jsonBoundsProblem({ graph: { nodes: [{ config: nest(100_000) }] } })).toMatch(/at \$\.graph\.nodes\[0\]\.config\[0\]/);
  });

  it('refuses more values than allowed, counting huge arrays before walking them', () => {
    expect(jsonBoundsProblem(new Array(1000).fill(0), { maxDepth: 64, maxValues: 999 })).toBe('more than 999 values in all');
    expect(jsonBoundsProblem(new Array(998).fill(0), { maxDepth: 64, maxValues: 999 })).toBeNull();
  });
});

describe('jsonSyntaxProblem', () => {
  it('never repeats the text it failed on', () => {
    for (const text of ['root:x:0:0:root:/root:/bin/bash', '{"DB_PASSWORD": "hunter2"', '{"a" "secret"}']) {
      let err: unknown;
      try {
        JSON.parse(text);
      } catch (e) {
        err = e;
      }
      const problem = jsonSyntaxProblem(err);
      expect(problem).toMatch(/^invalid JSON/);
      for (const piece of ['root', 'DB_PASSWORD', 'hunter2', 'secret']) expect(problem).not.toContain(piece);
    }
  });
});

describe('serve: results that cannot be sent, errors nothing caught', () => {
  it('a result too deep for JSON.stringify becomes an error response for that request', () => {
    const text = serializeResponse({ id: 7, result: nest(200_000) as never });
    expect(JSON.parse(text)).toMatchObject({ id: 7, error: { code: 'internal', message: expect.stringMatching(/could not be sent/) } });
  });

  it('the process guard logs an uncaught exception and an unhandled rejection instead of exiting', () => {
    const lines: string[] = [];
    const remove = installProcessGuard((line) => lines.push(line));
    try {
      const emit = process.emit.bind(process) as (event: string, ...args: unknown[]) => boolean;
      emit('uncaughtException', new Error('boom'), 'uncaughtException');
      emit('unhandledRejection', new Error('late'), Promise.resolve());
    } finally {
      remove();
    }
    expect(lines).toEqual([expect.stringMatching(/unexpected error \(kept serving.*boom/s), expect.stringMatching(/unhandled rejection \(kept serving.*late/s)]);
  });
});
