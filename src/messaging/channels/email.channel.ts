import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import nodemailer from 'nodemailer';
import DKIM from 'nodemailer/lib/dkim';
import MailComposer from 'nodemailer/lib/mail-composer';
import { z } from 'zod';
import { sharedDeadline } from '../../platform/deadline.js';
import { newId } from '../../platform/ids.js';
import { permanent, sent, temporary, type MessageChannel, type SendResult } from './channel.js';
import { serializeMime } from './mime.js';
import { say } from '../../platform/language.js';
import { zodText } from '../../platform/zod-text.js';

/**
 * Email over SMTP (nodemailer), one pooled transport per workspace's settings: connections are
 * reused across messages (`maxMessages` each, up to `maxConnections` at once), and every wait has a
 * deadline so a server that hangs yields a temporary failure instead of a stuck worker.
 *
 * The MIME message is built here (MailComposer) and handed to the transport as `raw`, so that a
 * send with `beforeCommit` can hold back the end of DATA: a server takes responsibility for a
 * message only when it has the final "." (RFC 5321 §4.1.1.4, §6.1), and nodemailer writes that
 * dot when the message stream ends (smtp-connection DataStream._flush). See `commitGate`.
 */

/** `news@shop.example` or `Shop <news@shop.example>`; the domain names the Message-ID. */
const ADDRESS = /^(?:[^<>]*<\s*)?([^<>\s@]+@([^<>\s@]+\.[^<>\s@]+|localhost))\s*>?$/;

export const EmailSettings = z
  .object({
    host: z.string().min(1).max(255),
    port: z.number().int().min(1).max(65_535).default(587),
    /** TLS from the first byte (usually port 465); otherwise STARTTLS when the server offers it. */
    secure: z.boolean().optional(),
    user: z.string().min(1).max(500).optional(),
    pass: z.string().min(1).max(500).optional(),
    from: z.string().max(500).regex(ADDRESS, zodText(say('an address such as "Shop <news@shop.example>"', '须为发件地址，如 "Shop <news@shop.example>"'))),
    replyTo: z.string().max(500).regex(ADDRESS, zodText(say('an email address', '须为邮箱地址'))).optional(),
    /** Refuse to go on (or log in) unless STARTTLS succeeds. */
    requireTls: z.boolean().default(false),
    maxConnections: z.number().int().min(1).max(50).default(5),
    maxMessages: z.number().int().min(1).max(10_000).default(100),
    /** Connecting, and waiting for the server's greeting. */
    connectionTimeoutMs: z.number().int().positive().max(120_000).default(10_000),
    /** Silence on an open connection. */
    socketTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
    /** One message end to end, whatever the server does. */
    sendTimeoutMs: z.number().int().positive().max(600_000).default(60_000),
    /** DKIM signing (RFC 6376); mailbox providers expect it of bulk senders, and RFC 8058 one-click needs it. */
    dkim: z.object({ domainName: z.string().min(1), keySelector: z.string().min(1), privateKey: z.string().min(1) }).optional(),
  })
  .refine((s) => (s.user === undefined) === (s.pass === undefined), { message: 'user and pass go together', path: ['pass'], params: { zh: 'user 和 pass 需同时填写' } });
export type EmailSettings = z.infer<typeof EmailSettings>;

export interface EmailMessage {
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Nudge's id for this message, sent as X-Nudge-Message-Id so bounces, replies and complaints can be matched. */
  nudgeMessageId: string;
  /** One-click unsubscribe endpoint (RFC 8058); with it come List-Unsubscribe and List-Unsubscribe-Post. */
  unsubscribeUrl?: string;
  /** An address that unsubscribes whoever writes to it (RFC 2369), listed after the URL. */
  unsubscribeMailto?: string;
  replyTo?: string;
  headers?: Record<string, string>;
}

export interface EmailChannel extends MessageChannel<EmailMessage> {
  /** Closes the pooled connections; sends in flight finish first. */
  close(): Promise<void>;
}

/**
 * The Message-ID (RFC 5322 §3.6.4) for an idempotency key: the same key always gives the same id,
 * so a message re-sent after a crash is recognisable as a duplicate by the receiver and by us.
 */
export function emailMessageId(idempotencyKey: string, from: string): string {
  const domain = ADDRESS.exec(from.trim())?.[2] ?? 'nudge.invalid';
  return `<${createHash('sha256').update(`nudge-message:${idempotencyKey}`).digest('hex').slice(0, 40)}@${domain}>`;
}

/** List-Unsubscribe (RFC 2369) and, for an HTTPS endpoint, List-Unsubscribe-Post (RFC 8058 §3.1). */
export function unsubscribeHeaders(url: string | undefined, mailto: string | undefined): Record<string, string> {
  const targets = [url ? `<${url}>` : null, mailto ? `<${mailto.startsWith('mailto:') ? mailto : `mailto:${mailto}`}>` : null].filter((t) => t !== null);
  if (targets.length === 0) return {};
  const headers: Record<string, string> = { 'List-Unsubscribe': targets.join(', ') };
  if (url?.startsWith('https://')) headers['List-Unsubscribe-Post'] = 'List-Unsubscribe=One-Click';
  return headers;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

interface SmtpFailure {
  code?: string;
  responseCode?: number;
  response?: string;
  message: string;
}
const asSmtpFailure = (err: unknown): SmtpFailure => {
  const e = typeof err === 'object' && err !== null ? Object.fromEntries(Object.entries(err)) : {};
  return {
    ...(typeof e.code === 'string' ? { code: e.code } : {}),
    ...(typeof e.responseCode === 'number' ? { responseCode: e.responseCode } : {}),
    ...(typeof e.response === 'string' ? { response: e.response } : {}),
    message: errorText(err),
  };
};

/**
 * RFC 5321 §4.2.1: 4yz is transient, 5yz permanent — except 503 (bad sequence), a session state
 * problem the next connection does not have. No reply at all (timeout, refused, dropped) is
 * transient; a message nodemailer cannot even build is not.
 */
function classify(err: unknown, signal: AbortSignal): SendResult {
  const f = asSmtpFailure(err);
  const answer = f.responseCode === undefined ? undefined : { code: f.responseCode, response: f.response ?? f.message };
  if (f.responseCode !== undefined) {
    const text = `SMTP server answered ${f.response ?? f.message}`;
    return f.responseCode >= 500 && f.responseCode !== 503 ? permanent(text, answer) : temporary(text, answer);
  }
  if (signal.aborted || f.code === 'EABORT') return temporary(`Send aborted or timed out: ${f.message}`);
  if (f.code === 'EMESSAGE' || f.code === 'EENVELOPE' || f.code === 'ECONFIG') return permanent(`Message refused before sending: ${f.message}`);
  return temporary(`SMTP ${f.code ?? 'error'}: ${f.message}`);
}

/** 12 random base-36 characters (newId's pooled randomness, 62 bits): no content repeats such a boundary by chance. */
const boundaryBase = (): string => newId('b').slice(-12);

/** The message exactly as sendMail would build it from the same fields, DKIM-signed when configured. */
async function composeMime(s: EmailSettings, message: EmailMessage, messageId: string, dkim: DKIM | null): Promise<Buffer> {
  const replyTo = message.replyTo ?? s.replyTo;
  const tree = new MailComposer({
    from: s.from,
    to: message.to,
    ...(replyTo ? { replyTo } : {}),
    subject: message.subject,
    // Both parts: multipart/alternative, plain text first (RFC 2046 §5.1.4).
    text: message.text,
    html: message.html,
    messageId,
    // Each MIME node otherwise draws its own random boundary base (a randomBytes call per node).
    baseBoundary: boundaryBase(),
    headers: { ...message.headers, 'X-Nudge-Message-Id': message.nudgeMessageId, ...unsubscribeHeaders(message.unsubscribeUrl, message.unsubscribeMailto) },
  }).compile();
  // Written synchronously (mime.ts: the same bytes as build(), a third of the CPU); build() for anything it does not cover.
  const mime = serializeMime(tree) ?? (await tree.build());
  // Signed here rather than by the transport: its signer reads the whole message as soon as the
  // send is queued, which would pull the commit gate (below) long before DATA.
  return dkim ? buffer(dkim.sign(mime)) : mime;
}

/**
 * The stream the SMTP connection reads the message from, ending only after `commit` resolved.
 * It reads nothing until it is read itself, and smtp-connection pipes it into the DATA stream only
 * after the server's 354; nodemailer's earlier stages buffer a whole small message before MAIL
 * FROM, so a gate anywhere upstream would commit before the envelope was even sent. Placed last,
 * the marker is written with the whole message in the socket and only the dot outstanding. If
 * `commit` rejects, the stream fails, no dot is written, and the connection is dropped: the server
 * discards the partial message.
 */
function commitGate(input: Readable, commit: () => Promise<void>): Readable {
  async function* gated(): AsyncGenerator<unknown> {
    for await (const chunk of input) yield chunk;
    await commit();
  }
  return Readable.from(gated(), { objectMode: false });
}

export function createEmailChannel(settings: z.input<typeof EmailSettings>): EmailChannel {
  const s = EmailSettings.parse(settings);
  const dkim = s.dkim ? new DKIM(s.dkim) : null;
  const transport = nodemailer.createTransport({
    pool: true,
    host: s.host,
    port: s.port,
    secure: s.secure ?? s.port === 465,
    requireTLS: s.requireTls,
    ...(s.user !== undefined && s.pass !== undefined ? { auth: { user: s.user, pass: s.pass } } : {}),
    maxConnections: s.maxConnections,
    maxMessages: s.maxMessages,
    connectionTimeout: s.connectionTimeoutMs,
    greetingTimeout: s.connectionTimeoutMs,
    socketTimeout: s.socketTimeoutMs,
  });
  // Sends in flight that hold back their end of data, by their raw MIME buffer (the transport
  // passes the same object to plugins). createReadStream runs the process functions afresh for
  // each connection, so a message the pool re-queues before DATA gets a new gate.
  const gates = new WeakMap<Buffer, () => Promise<void>>();
  transport.use('stream', (mail, done) => {
    const raw = mail.data.raw;
    const commit = Buffer.isBuffer(raw) ? gates.get(raw) : undefined;
    if (commit) mail.message.processFunc((input) => commitGate(input, commit));
    done();
  });
  const sendDeadline = sharedDeadline(s.sendTimeoutMs);
  return {
    async send(message, { idempotencyKey, signal, beforeCommit }): Promise<SendResult> {
      const deadline = sendDeadline();
      const combined = signal ? AbortSignal.any([signal, deadline]) : deadline;
      if (combined.aborted) return temporary('Send aborted before it started');
      const messageId = emailMessageId(idempotencyKey, s.from);
      // Set from the gate's callback, so a property: narrowing would not see the assignment.
      const gate: { committing: Promise<void> | null; abandoned: { error: unknown } | null } = { committing: null, abandoned: null };
      // Once per send, whichever gate (connection) gets there.
      const commit = (): Promise<void> =>
        (gate.committing ??= (beforeCommit ?? (async () => {}))().catch((error: unknown) => {
          gate.abandoned = { error };
          throw error;
        }));
      try {
        const mime = await composeMime(s, message, messageId, dkim);
        if (beforeCommit) gates.set(mime, commit);
        // messageId: the raw message has one; without it nodemailer draws a random one it never uses.
        const info = await transport.sendMail({ envelope: { from: s.from, to: message.to }, raw: mime, messageId, signal: combined });
        if (info.accepted.length === 0) return permanent(`SMTP server accepted no recipient: ${info.response}`, { response: info.response, rejected: info.rejected });
        return sent(messageId, { response: info.response });
      } catch (err) {
        if (gate.abandoned) return temporary(`Send abandoned before the end of data: ${errorText(gate.abandoned.error)}`);
        if (deadline.aborted && !signal?.aborted) return temporary(`SMTP server ${s.host}:${s.port} did not take the message within ${s.sendTimeoutMs} ms`);
        return classify(err, combined);
      }
    },
    async close(): Promise<void> {
      transport.close();
    },
  };
}
