// ESLint (flat config): typescript-eslint's recommended rules plus eslint-plugin-svelte's, kept small on purpose,
// and the folder boundaries of ../shared/docs/ARCHITECTURE.md as import rules (they were a regex over import lines
// in a test before). `npm run lint` runs this with --max-warnings 0, then knip (knip.json).
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';
import svelteConfig from './svelte.config.js';

/** Import patterns a folder must not use, with the reason ESLint prints. */
const boundary = (patterns) => ({ 'no-restricted-imports': ['error', { patterns }] });
const noElectron = { regex: '^electron(/|$)', message: 'Only main/electron/ imports electron: everything else runs (and is tested) in plain Node.' };
const noMain = { regex: '(^|/)main/', message: 'The renderer reaches the backend only through shared/api.ts and a host (renderer/src/host).' };
const noRenderer = { regex: '(^|/)renderer/', message: 'main/ never imports the window: share the type through shared/.' };
const sharedOnly = { regex: '(^|/)(main|renderer)/', message: 'shared/ stays pure: it imports nothing of main/ or renderer/.' };
const workerThreads = {
  regex: '^(node:)?worker_threads$',
  message: 'Training runs in one worker: start it through main/engine/worker/client.ts (startTrainingWorker).',
};
const noTfjs = { regex: '^@tensorflow/', message: 'main/projects stores project files; tfjs runs in main/engine (stored-weights.ts converts weights).' };
const noService = { regex: '(^|/)service/', message: 'The sweep runner reaches runs through its RunLauncher (main/sweep/launcher.ts), never the service.' };
const nodeBuiltins = { regex: '^node:', message: 'shared/ stays pure (no Node): pass the data in, or move this to main/.' };

export default ts.config(
  {
    ignores: ['node_modules/', 'out/', 'dist/', 'release/', 'test-results/', 'playwright-report/', 'coverage/', 'bench/gpu-kit/', '.tmp/', '.scratch/'],
  },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      eqeqeq: ['error', 'smart'],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { projectService: false, extraFileExtensions: ['.svelte'], parser: ts.parser, svelteConfig } },
  },
  // Tests stand in for Electron and poke at internals: `any` is allowed there, nothing else is relaxed.
  {
    files: ['test/**', 'bench/**'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  // The folder boundaries (ARCHITECTURE.md). A later block replaces an earlier one's patterns for its files, so each
  // lists all of its folder's.
  { files: ['shared/**'], rules: boundary([sharedOnly, nodeBuiltins, noElectron]) },
  { files: ['renderer/**'], rules: boundary([noMain, noElectron]) },
  { files: ['main/**'], ignores: ['main/electron/**'], rules: boundary([noRenderer, noElectron, workerThreads]) },
  { files: ['main/projects/**'], rules: boundary([noRenderer, noElectron, workerThreads, noTfjs]) },
  { files: ['main/sweep/**'], rules: boundary([noRenderer, noElectron, workerThreads, noService]) },
  // The worker's own modules, and the wasm backend's and our SIMD kernels' thread pools (not training workers).
  { files: ['main/engine/worker/**', 'main/engine/wasm-threads.ts', 'main/engine/kernels/**'], rules: boundary([noRenderer, noElectron]) },
  { files: ['main/electron/**'], rules: boundary([noRenderer]) },
);
