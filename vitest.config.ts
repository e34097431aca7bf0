import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'node',
          include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
          environment: 'node',
          setupFiles: ['test/support/isolate-cache.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        plugins: [svelte(), svelteTesting()],
        test: {
          name: 'dom',
          include: ['test/components/**/*.test.ts'],
          environment: 'happy-dom',
          // The component tests start real services (recovery stores, recent projects, sweeps) too.
          setupFiles: ['test/support/isolate-cache.ts'],
          testTimeout: 30_000,
        },
      },
    ],
  },
});
