/**
 * Three error kinds (STYLE §8). A UserError reaches the caller as a 4xx with its stable code and
 * the field at fault; an OperationalError is retryable (5xx/503); anything else is a bug (500,
 * logged, never shown as a stack trace).
 */
export class UserError extends Error {
  readonly status: number;
  readonly code: string;
  readonly field: string | null;
  readonly details: unknown;
  constructor(code: string, message: string, options: { status?: number; field?: string | null; details?: unknown } = {}) {
    super(message);
    this.name = 'UserError';
    this.code = code;
    this.status = options.status ?? 400;
    this.field = options.field ?? null;
    this.details = options.details;
  }
}

export class OperationalError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OperationalError';
    this.code = code;
  }
}

export class UnexpectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnexpectedError';
  }
}

export const notFound = (what: string, field: string | null = null): UserError =>
  new UserError('NOT_FOUND', `${what} not found`, { status: 404, field });

/** Exhaustiveness check for switches over unions (STYLE §9). */
export function assertUnreachable(x: never): never {
  throw new UnexpectedError(`Unexpected value: ${JSON.stringify(x)}`);
}

/** Format a zod issue path as a JSON path: `batch[3].properties.price`. */
export function jsonPath(path: ReadonlyArray<PropertyKey>, prefix = ''): string {
  let out = prefix;
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}
