import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// The dashboard is built into static files (web/dist) that the Nudge server serves;
// in development, API calls are proxied to a server started with `npm start`.
const root = fileURLToPath(new URL('.', import.meta.url));
const api = 'http://localhost:3000';

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // recharts is loaded only by the overview page chunk; keep the warning for real regressions.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': api,
      '/v1': api,
      '/docs': api,
    },
  },
});
