import { it } from 'vitest';
import { expectIsolatedCache } from '../support/cache-isolation';

it('component tests (which start real services) never touch the user cache', () => {
  expectIsolatedCache();
});
