import { it } from 'vitest';
import { expectIsolatedCache } from '../../support/cache-isolation';

it('node tests (and the CLIs and servers they start with process.env) never touch the user cache', () => {
  expectIsolatedCache();
});
