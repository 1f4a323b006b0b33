import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));

// The server serves dist/web as static files, so the build lands at the project root, not in src/.
export default defineConfig({
  root: here('.'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    // ECharts alone is ~1 MB minified: one chunk for it keeps the app chunk small and cacheable.
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: { manualChunks: (id: string) => (id.includes('echarts') ? 'echarts' : undefined) },
    },
  },
  server: { proxy: { '/api': process.env.PITWALL_API ?? 'http://127.0.0.1:8080' } },
});
