import type { Bilingual, Language } from './language.js';

/**
 * Three error kinds (STYLE §8). A UserError reaches the caller as a 4xx with its stable code, the
 * field at fault and its message in the caller's language (both are written at the throw site);
 * an OperationalError is retryable (5xx/503); anything else is a bug (500, logged, never shown as
 * a stack trace). `message` is the English text (logs, tests); `zh` the Chinese.
 *
 * The first two are written for people: BilingualError holds their stable code and their words in
 * both languages.
 */
export abstract class BilingualError extends Error {
  readonly code: string;
  readonly zh: string;
  constructor(code: string, message: Bilingual, options?: { cause?: unknown }) {
    super(message.en, options);
    this.code = code;
    this.zh = message.zh;
  }

  /** The message in `language`. */
  in(language: Language): string {
    return language === 'zh' ? this.zh : this.message;
  }
}

export class UserError extends BilingualError {
  readonly status: number;
  readonly field: string | null;
  readonly details: unknown;
  constructor(code: string, message: Bilingual, options: { status?: number; field?: string | null; details?: unknown } = {}) {
    super(code, message);
    this.name = 'UserError';
    this.status = options.status ?? 400;
    this.field = options.field ?? null;
    this.details = options.details;
  }
}

export class OperationalError extends BilingualError {
  constructor(code: string, message: Bilingual, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OperationalError';
  }
}

export class UnexpectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'UnexpectedError';
  }
}

/** `what`: the thing's name in both languages (`say('Template', '模板')`). */
export const notFound = (what: Bilingual, field: string | null = null): UserError =>
  new UserError('NOT_FOUND', { en: `${what.en} not found`, zh: `未找到${what.zh}` }, { status: 404, field });

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
