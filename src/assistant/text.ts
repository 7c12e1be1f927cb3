import { UserError } from '../platform/errors.js';
import { say } from '../platform/language.js';
import { MAX_MESSAGE_CHARS } from './assistant.schema.js';

// C0/C1 control characters other than tab and newline, and the Unicode non-characters U+FFFE/U+FFFF.
// eslint-disable-next-line no-control-regex -- control characters are exactly what this removes
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]/g;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/**
 * A message as typed by a customer or agent, made safe to store and show: lone surrogates
 * replaced by U+FFFD, control characters removed, CRLF folded, trimmed.
 * The text is stored as typed otherwise — HTML is escaped where it is shown, never here.
 */
export function cleanMessage(raw: string, field = 'text'): string {
  const text = raw.replace(LONE_SURROGATE, '\uFFFD').replace(/\r\n?/g, '\n').replace(CONTROL, '').trim();
  if (text.length === 0) throw new UserError('ASSISTANT_MESSAGE_EMPTY', say('The message is empty', '消息不能为空'), { field });
  if (text.length > MAX_MESSAGE_CHARS) throw new UserError('ASSISTANT_MESSAGE_TOO_LONG', say(`A message may be at most ${MAX_MESSAGE_CHARS} characters (this one has ${text.length})`, `消息最多 ${MAX_MESSAGE_CHARS} 个字符（当前 ${text.length} 个）`), { field, status: 400 });
  return text;
}

/** Escape text for HTML (element content and quoted attributes). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}
