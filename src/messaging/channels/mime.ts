import type { Transform } from 'node:stream';
import * as base64 from 'nodemailer/lib/base64';
import type MimeNode from 'nodemailer/lib/mime-node';
import * as qp from 'nodemailer/lib/qp';

/**
 * A MIME tree built by nodemailer's MailComposer (`compile()`), written out synchronously. The
 * tree's own `build()` streams every node through a pipeline of transform streams, which costs
 * about three times the CPU of the rest of composing (320 µs against 100 µs an email, measured on
 * a two-part newsletter), and composing runs once per email. This writes the same bytes (the
 * node's own headers, nodemailer's own QP and base64 encoders, its part separators and final
 * newline: mime.test.ts compares with `build()` byte for byte) for the trees Nudge composes:
 * string or Buffer content, no raw nodes, no transforms or process functions. Anything else
 * returns null and the caller builds it the usual way.
 */
export function serializeMime(root: MimeNode): Buffer | null {
  const parts: string[] = [];
  if (!write(root, parts, true)) return null;
  let out = parts.join('');
  // LastNewline: the message ends with a line break.
  if (!out.endsWith('\n')) out += out.endsWith('\r') ? '\n' : '\r\n';
  return Buffer.from(out, 'utf8');
}

/** The stream half of a Transform, called directly: nodemailer's exact encoder, without a stream around it. */
interface TransformHalves {
  push(chunk: unknown, encoding?: BufferEncoding): boolean;
  _transform(chunk: Buffer, encoding: string, done: (err?: Error | null) => void): void;
  _flush(done: (err?: Error | null) => void): void;
}

/**
 * Run a nodemailer encoder over the whole content as the stream would (it is written as one chunk),
 * collecting what it pushes. Its own line wrapping then applies exactly, including how it keeps
 * the last line until the end.
 */
function encodeWith(encoder: Transform, buf: Buffer): string {
  const halves = encoder as unknown as TransformHalves; // Transform's implementation methods: nodemailer's encoders define both
  const chunks: string[] = [];
  let failure: Error | null = null;
  halves.push = (chunk: unknown) => {
    if (typeof chunk === 'string') chunks.push(chunk);
    else if (Buffer.isBuffer(chunk)) chunks.push(chunk.toString('latin1'));
    return true;
  };
  const done = (err?: Error | null) => void (failure ??= err ?? null);
  halves._transform(buf, 'buffer', done);
  halves._flush(done);
  if (failure) throw failure;
  return chunks.join('');
}

/** The fields of a node that nodemailer's types leave out. */
interface NodeInternals {
  _raw?: unknown;
  _transforms?: unknown[];
  _processFuncs?: unknown[];
  newline?: unknown;
  contentType?: string;
}

function write(node: MimeNode, out: string[], root: boolean): boolean {
  const internals = node as unknown as NodeInternals; // nodemailer's own fields, read only to refuse what this does not cover
  if (internals._raw) return false;
  if (root && ((internals._transforms?.length ?? 0) > 0 || (internals._processFuncs?.length ?? 0) > 0 || internals.newline)) return false;
  const content = node.content;
  if (content !== undefined && content !== null && typeof content !== 'string' && !Buffer.isBuffer(content)) return false;
  const encoding = node.getTransferEncoding();
  out.push(`${node.buildHeaders()}\r\n\r\n`);
  if (content) {
    const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    if (encoding === 'quoted-printable') out.push(encodeWith(new qp.Encoder({ binary: !/^text\//i.test(internals.contentType ?? '') }), buf));
    else if (encoding === 'base64') out.push(encodeWith(new base64.Encoder(), buf));
    else out.push(typeof content === 'string' ? content : content.toString('utf8'));
  }
  if (node.multipart) {
    for (const [i, child] of node.childNodes.entries()) {
      out.push(`${i > 0 ? '\r\n' : ''}--${String(node.boundary)}\r\n`);
      if (!write(child, out, false)) return false;
    }
    out.push(`\r\n--${String(node.boundary)}--\r\n`);
  }
  return true;
}
