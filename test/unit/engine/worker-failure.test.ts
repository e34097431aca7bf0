import { describe, expect, it } from 'vitest';
import { describeFailure } from '../../../main/engine/worker/failure';

describe('training worker failures', () => {
  it("reads emscripten's Aborted() and a failed heap growth as the wasm backend out of memory, with the fixes", () => {
    for (const raw of ['Aborted(). Build with -sASSERTIONS for more info.', 'Cannot enlarge memory arrays to size 4294967296 bytes']) {
      expect(describeFailure(new Error(raw))).toMatch(/wasm backend ran out of memory .* lower the batch size, or train with a native backend/);
    }
  });

  it('passes any other error on as it is', () => {
    expect(describeFailure(new Error('Unknown layer: Foo'))).toBe('Unknown layer: Foo');
    expect(describeFailure('plain text')).toBe('plain text');
  });
});
