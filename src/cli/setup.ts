import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Nudge } from '../server/nudge.js';

export const FIRST_ADMIN_EMAIL = 'admin@nudge.local';
const CREDENTIALS_FILE = 'initial-admin.json';

export interface FirstAdmin {
  email: string;
  /** Known while the initial-credentials file exists (until the admin removes it); null otherwise. */
  password: string | null;
  created: boolean;
  userId: string;
}

/**
 * Create the first admin on an empty instance, with a random password kept in
 * `<dataDir>/initial-admin.json` (mode 0600) so `npm start` can print it again.
 */
export async function ensureFirstAdmin(nudge: Nudge): Promise<FirstAdmin> {
  const file = path.join(nudge.config.dataDir, CREDENTIALS_FILE);
  const readSaved = (): { email: string; password: string } | null => {
    try {
      const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (parsed && typeof parsed === 'object' && 'email' in parsed && 'password' in parsed && typeof parsed.email === 'string' && typeof parsed.password === 'string') {
        return { email: parsed.email, password: parsed.password };
      }
    } catch {
      /* no saved credentials */
    }
    return null;
  };
  if ((await nudge.auth.userCount()) > 0) {
    const saved = readSaved();
    const email = saved?.email ?? FIRST_ADMIN_EMAIL;
    const first = await nudge.auth.firstUser();
    return { email: saved?.email ?? first?.email ?? email, password: saved?.password ?? null, created: false, userId: first?.id ?? '' };
  }
  const password = randomBytes(9).toString('base64url');
  const user = await nudge.auth.createUser({ email: FIRST_ADMIN_EMAIL, name: 'Admin', password });
  fs.mkdirSync(nudge.config.dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify({ email: FIRST_ADMIN_EMAIL, password }, null, 2), { mode: 0o600 });
  return { email: FIRST_ADMIN_EMAIL, password, created: true, userId: user.id };
}
