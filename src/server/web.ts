import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (two levels above this file). */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = path.join(REPO_ROOT, 'web', 'dist');

function newestMtime(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Build the dashboard with Vite when web/dist is missing or older than its sources, so
 * `npm ci && npm start` works on a fresh clone. Returns the folder to serve, or null when the
 * dashboard sources are absent (an API-only install).
 */
export async function ensureWebBuilt(log: (msg: string) => void = () => {}): Promise<string | null> {
  const index = path.join(WEB_DIST, 'index.html');
  const srcDir = path.join(REPO_ROOT, 'web', 'src');
  if (!fs.existsSync(srcDir)) return fs.existsSync(index) ? WEB_DIST : null;
  const built = fs.existsSync(index) ? fs.statSync(index).mtimeMs : 0;
  if (built > 0 && built >= newestMtime(srcDir)) return WEB_DIST;
  log('Building the dashboard (first start only)…');
  const { build } = await import('vite');
  await build({ configFile: path.join(REPO_ROOT, 'web', 'vite.config.ts'), logLevel: 'warn' });
  return WEB_DIST;
}
