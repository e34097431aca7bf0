import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** TypeScript inside .svelte files goes through Vite's esbuild preprocess. */
export default {
  preprocess: vitePreprocess(),
  compilerOptions: { runes: true },
};
