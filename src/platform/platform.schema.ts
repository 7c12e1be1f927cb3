import { z } from 'zod';

export const Role = z.enum(['admin', 'member', 'viewer']);
export type Role = z.infer<typeof Role>;

export const WorkspaceInfo = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  isDemo: z.boolean(),
  /** Sandbox delivery on (messages recorded as sent, no provider called). */
  sandbox: z.boolean(),
  role: Role,
});
export type WorkspaceInfo = z.infer<typeof WorkspaceInfo>;

/** GET/PATCH /api/v1/workspace. */
export const WorkspaceView = z.object({ id: z.string(), name: z.string(), slug: z.string(), isDemo: z.boolean(), currency: z.string(), timezone: z.string(), defaultSendHour: z.number().int(), sandbox: z.boolean() });
export type WorkspaceView = z.infer<typeof WorkspaceView>;
/** `defaultSendHour`: 0–23, checked by the service (WORKSPACE_BAD_SEND_HOUR). */
export const WorkspaceUpdate = z.object({ name: z.string().max(200).optional(), timezone: z.string().max(64).optional(), defaultSendHour: z.number().optional(), sandbox: z.boolean().optional() });
export type WorkspaceUpdate = z.infer<typeof WorkspaceUpdate>;

export const LoginRequest = z.object({ email: z.email().max(320), password: z.string().min(1).max(200) });
export const Me = z.object({
  user: z.object({ id: z.string(), email: z.string(), name: z.string() }),
  workspaces: z.array(WorkspaceInfo),
});
export type Me = z.infer<typeof Me>;

export const ApiKeyKind = z.enum(['write', 'secret']);
export type ApiKeyKind = z.infer<typeof ApiKeyKind>;

export const ApiKeyInfo = z.object({
  id: z.string(),
  kind: ApiKeyKind,
  name: z.string(),
  /** Write keys are public and shown whole; secret keys are masked (`sk_…abcd`) until revealed. */
  key: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
});
export type ApiKeyInfo = z.infer<typeof ApiKeyInfo>;

/** The error body every route returns on failure. */
export const ErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    /** JSON path / CSV column of the offending field, when there is one. */
    field: z.string().nullable(),
    details: z.unknown().optional(),
  }),
});
export type ErrorBody = z.infer<typeof ErrorBody>;
