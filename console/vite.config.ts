import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The console builds into dist/console (served by Rouge at /console). Pages
 * are split into chunks loaded on first visit, and ECharts into its own, so
 * the sign-in screen downloads only the shell. `ROUGE_CONSOLE_OUT` lets tests
 * build into a directory of their own.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  plugins: [react()],
  logLevel: 'warn',
  // npm run dev:console: pages reload on save, the API is the Rouge on :8080 (npm start).
  server: { proxy: Object.fromEntries(['/v1', '/metrics', '/demo'].map((p) => [p, process.env.ROUGE_URL ?? 'http://127.0.0.1:8080'])) },
  build: {
    outDir: process.env.ROUGE_CONSOLE_OUT ?? fileURLToPath(new URL('../dist/console', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 900,
  },
});
