import type { Db } from '../db/dialect.js';
import { audit } from './audit.js';
import type { Clock } from './clock.js';
import { hashPassword, randomToken, sha256, verifyPassword } from './crypto.js';
import { UserError } from './errors.js';
import { newId } from './ids.js';
import { say } from './language.js';
import { Role, type Me, type WorkspaceInfo } from './platform.schema.js';

export interface User {
  id: string;
  email: string;
  name: string;
}

export const SESSION_TTL_MS = 30 * 24 * 3600 * 1000;
const ROLE_RANK: Record<Role, number> = { viewer: 1, member: 2, admin: 3 };

/** True when `have` is at least `need`. */
export const roleAtLeast = (have: Role, need: Role): boolean => ROLE_RANK[have] >= ROLE_RANK[need];

export interface AuthService {
  createUser(input: { email: string; name: string; password: string }): Promise<User>;
  userCount(): Promise<number>;
  /** The user created first (the instance's first admin), if any. */
  firstUser(): Promise<User | null>;
  addMember(userId: string, workspaceId: string, role: Role, actor: string): Promise<void>;
  /** Verify credentials and open a session; returns the session token for the cookie. */
  login(email: string, password: string): Promise<{ token: string; user: User }>;
  logout(token: string): Promise<void>;
  /** The user behind a session token, or null when unknown or expired. */
  userForSession(token: string): Promise<User | null>;
  me(userId: string): Promise<Me>;
  /** The user's role in a workspace, or null when not a member. */
  roleIn(userId: string, workspaceId: string): Promise<Role | null>;
}

export function createAuthService(deps: { db: Db; clock: Clock }): AuthService {
  const { db, clock } = deps;

  return {
    async createUser({ email, name, password }) {
      const normalized = email.trim().toLowerCase();
      if (password.length < 8) throw new UserError('AUTH_WEAK_PASSWORD', say('A password needs at least 8 characters', '密码至少需要 8 个字符'), { field: 'password' });
      const exists = await db.selectFrom('users').select('id').where('email', '=', normalized).executeTakeFirst();
      if (exists) throw new UserError('AUTH_EMAIL_TAKEN', say('A user with this email already exists', '该邮箱已注册'), { status: 409, field: 'email' });
      const user = { id: newId('usr', clock.now()), email: normalized, name: name.trim() || normalized };
      await db
        .insertInto('users')
        .values({ ...user, password_hash: await hashPassword(password), created_at: clock.now() })
        .execute();
      await audit(db, { workspaceId: null, actor: 'system', action: 'user.create', target: user.id, at: clock.now() });
      return user;
    },

    async userCount() {
      const row = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async firstUser() {
      const row = await db.selectFrom('users').select(['id', 'email', 'name']).orderBy('created_at').orderBy('id').executeTakeFirst();
      return row ?? null;
    },

    async addMember(userId, workspaceId, role, actor) {
      await db
        .insertInto('memberships')
        .values({ user_id: userId, workspace_id: workspaceId, role, created_at: clock.now() })
        .onConflict((oc) => oc.columns(['user_id', 'workspace_id']).doUpdateSet({ role }))
        .execute();
      await audit(db, { workspaceId, actor, action: 'member.add', target: userId, data: { role }, at: clock.now() });
    },

    async login(email, password) {
      const row = await db.selectFrom('users').selectAll().where('email', '=', email.trim().toLowerCase()).executeTakeFirst();
      // Verify against a dummy hash when the user is unknown, so timing does not reveal which emails exist.
      const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
      if (!row || !ok) throw new UserError('AUTH_INVALID_CREDENTIALS', say('Email or password is wrong', '邮箱或密码不正确'), { status: 401 });
      const token = randomToken('ses_', 32);
      const now = clock.now();
      await db.insertInto('sessions').values({ id_hash: sha256(token), user_id: row.id, created_at: now, expires_at: now + SESSION_TTL_MS }).execute();
      await db.deleteFrom('sessions').where('expires_at', '<', now).execute();
      await audit(db, { workspaceId: null, actor: row.id, action: 'user.login', target: row.id, at: now });
      return { token, user: { id: row.id, email: row.email, name: row.name } };
    },

    async logout(token) {
      await db.deleteFrom('sessions').where('id_hash', '=', sha256(token)).execute();
    },

    async userForSession(token) {
      const row = await db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .select(['users.id', 'users.email', 'users.name', 'sessions.expires_at'])
        .where('sessions.id_hash', '=', sha256(token))
        .executeTakeFirst();
      if (!row || row.expires_at < clock.now()) return null;
      return { id: row.id, email: row.email, name: row.name };
    },

    async me(userId) {
      const user = await db.selectFrom('users').select(['id', 'email', 'name']).where('id', '=', userId).executeTakeFirstOrThrow();
      const rows = await db
        .selectFrom('memberships')
        .innerJoin('workspaces', 'workspaces.id', 'memberships.workspace_id')
        .select(['workspaces.id', 'workspaces.name', 'workspaces.slug', 'workspaces.is_demo', 'workspaces.sandbox', 'memberships.role'])
        .where('memberships.user_id', '=', userId)
        .orderBy('workspaces.created_at')
        .execute();
      const workspaces: WorkspaceInfo[] = rows.map((r) => ({
        id: r.id,
        name: r.name,
        slug: r.slug,
        isDemo: r.is_demo === 1,
        sandbox: r.sandbox === 1,
        role: Role.parse(r.role),
      }));
      return { user, workspaces };
    },

    async roleIn(userId, workspaceId) {
      const row = await db
        .selectFrom('memberships')
        .select('role')
        .where('user_id', '=', userId)
        .where('workspace_id', '=', workspaceId)
        .executeTakeFirst();
      const parsed = Role.safeParse(row?.role);
      return parsed.success ? parsed.data : null;
    },
  };
}

/** A valid scrypt hash of a random string, used to equalise login timing for unknown emails. */
const DUMMY_HASH = 'scrypt$131072$8$1$AAAAAAAAAAAAAAAAAAAAAA==$3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';
