import type { ApiError } from '../../api';

/** A problem the server found in a template, placed next to the field it is about. */
export interface FieldIssue {
  code: string;
  message: string;
  line?: number;
}

/**
 * The editor's key for a server path. Template issues say `body.content.zh.subject`; request
 * validation says the same behind the request's own `body.` (`body.body.content…`, `body.name`).
 * Content fields become `<locale>.<field>` (`zh.subject`; a header `en.headers`), the rest stay
 * top-level (`name`, `subscriptionGroupId`), and the content as a whole is `content`.
 */
export function fieldKey(path: string): string {
  let p = path;
  if (p.startsWith('body.body')) p = p.slice('body.'.length);
  else if (p.startsWith('body.') && !p.startsWith('body.content')) p = p.slice('body.'.length);
  const m = /^body\.content(?:\.(en|zh)(?:\.(\w+))?)?/.exec(p);
  if (!m) return p === 'body' ? 'content' : p;
  const [, locale, field] = m;
  if (!locale) return 'content';
  return field ? `${locale}.${field}` : locale;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `details.issues` from a template error, checked item by item (it is outside data). */
function detailIssues(details: unknown): { path: string; issue: FieldIssue }[] {
  if (!isRecord(details) || !Array.isArray(details.issues)) return [];
  const out: { path: string; issue: FieldIssue }[] = [];
  for (const item of details.issues) {
    if (!isRecord(item) || typeof item.path !== 'string' || typeof item.code !== 'string' || typeof item.message !== 'string') continue;
    out.push({ path: item.path, issue: { code: item.code, message: item.message, line: typeof item.line === 'number' ? item.line : undefined } });
  }
  return out;
}

/** Every issue in a 400 answer, by editor field key (see `fieldKey`); other errors give an empty map. */
export function issuesByField(error: ApiError | undefined): Map<string, FieldIssue[]> {
  const out = new Map<string, FieldIssue[]>();
  if (!error || error.status !== 400) return out;
  const add = (path: string, issue: FieldIssue) => {
    const key = fieldKey(path);
    out.set(key, [...(out.get(key) ?? []), issue]);
  };
  const listed = detailIssues(error.details);
  if (listed.length > 0) for (const { path, issue } of listed) add(path, issue);
  else if (error.field) add(error.field, { code: error.code, message: error.message });
  return out;
}
