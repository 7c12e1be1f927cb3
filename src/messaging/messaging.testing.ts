import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import type { DialectName } from '../db/dialect.js';
import type { Clock } from '../platform/clock.js';
import { createTestNudge, type TestNudge } from '../testing/nudge.testing.js';
import type { MessagingOptions } from './messaging.module.js';

/** Links in test messages point here: https, so email gets RFC 8058 one-click headers. */
export const TEST_PUBLIC_URL = 'https://nudge.test';

/** A complete Nudge (createTestNudge) whose messages link to TEST_PUBLIC_URL, with messaging options. */
export function createMessagingTestNudge(dialect: DialectName, options: { clock?: Clock; messaging?: MessagingOptions } = {}): Promise<TestNudge> {
  return createTestNudge(dialect, { ...options, publicUrl: TEST_PUBLIC_URL });
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  parsed: ParsedMail;
}

/** What the test SMTP server answers to a message: accept (null) or an SMTP error reply. */
export type SmtpAnswer = { code: number; message: string } | null;

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  /** Decide the answer to each DATA (default: accept). */
  answer: (mail: { to: string[] }) => SmtpAnswer;
  /** Called when a client starts a message (DATA accepted, content not yet read). */
  onDataStart: () => void;
  /** Called when a client opens a message transaction (MAIL FROM), before any of its content. */
  onMailFrom: () => void;
  close(): Promise<void>;
}

/** A real SMTP server (smtp-server) on loopback, port 0, that keeps every message it accepts. */
export async function startTestSmtp(): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const state: TestSmtp = {
    port: 0,
    received,
    answer: () => null,
    onDataStart: () => {},
    onMailFrom: () => {},
    close: async () => {},
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      state.onMailFrom();
      callback();
    },
    onData(stream, session, callback) {
      state.onDataStart();
      const chunks: Buffer[] = [];
      // A client that disconnects mid-message destroys the stream: nothing is kept, as a real server would.
      stream.on('error', () => {});
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const to = session.envelope.rcptTo.map((r) => r.address);
        const answer = state.answer({ to });
        if (answer) {
          // smtp-server sends err.responseCode as the reply code.
          callback(Object.assign(new Error(answer.message), { responseCode: answer.code }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        simpleParser(raw).then(
          (parsed) => {
            received.push({ from, to, raw, parsed });
            callback();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
  });
  // A client killed mid-session resets its connection: expected in crash tests, not a server failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.server.address() as AddressInfo).port; // a TCP listener: address() is an AddressInfo
  state.close = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return state;
}

/** SMTP settings for a TestSmtp (short timeouts: the server is local). */
export const smtpSettings = (smtp: TestSmtp) => ({ host: '127.0.0.1', port: smtp.port, secure: false, from: 'Test Shop <news@shop.test>', connectionTimeoutMs: 5000, socketTimeoutMs: 5000, sendTimeoutMs: 10000 });

/** An HTTP call on the test app as the workspace's admin (secret key); JSON bodies parsed. */
export function apiAs(t: TestNudge, secretKey = t.workspace.secretKey) {
  return async (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown): Promise<{ status: number; body: unknown; headers: Record<string, unknown> }> => {
    const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${secretKey}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
    const json = String(res.headers['content-type'] ?? '').includes('json');
    return { status: res.statusCode, body: res.body ? (json ? res.json() : res.body) : null, headers: res.headers };
  };
}

export const CUSTOMERS = [
  { userId: 'ann', traits: { email: 'ann@example.com', name: 'Ann', locale: 'zh-CN' } },
  { userId: 'bob', traits: { email: 'bob@example.com', name: 'Bob', locale: 'en' } },
  { userId: 'cat', traits: { email: 'cat@example.com', name: 'Cat' } },
  { userId: 'dan', traits: { name: 'Dan', phone: '+8613800138001' } },
] as const;

/** A marketing email in both languages with a link, under an opt-out newsletter group. */
export const newsletterTemplate = (groupId: string | null) => ({
  name: 'Weekly picks',
  kind: 'marketing' as const,
  ...(groupId ? { subscriptionGroupId: groupId } : {}),
  defaultLocale: 'en' as const,
  body: {
    channel: 'email' as const,
    content: {
      en: {
        subject: 'Hello {{ profile.traits.name }}',
        html: '<html><body><p>Hi {{ profile.traits.name }}, see <a href="https://shop.example/sale?x=1&amp;y=2">the sale</a> or <a href=\'https://shop.example/new\'>new in</a>. <a href="mailto:help@shop.example">Help</a> <a href="{{ message.unsubscribeUrl }}">Unsubscribe</a></p></body></html>',
        text: 'Hi {{ profile.traits.name }}, the sale: https://shop.example/sale',
      },
      zh: {
        subject: '{{ profile.traits.name }}，你好',
        html: '<html><body><p>{{ profile.traits.name }}，<a href="https://shop.example/sale">查看促销</a></p><p><a href="{{ message.unsubscribeUrl }}">退订</a></p></body></html>',
      },
    },
  },
});

/** SMTP settings, customers, a newsletter group and template: what most messaging tests start from. */
export async function setupShop(t: TestNudge, smtp: TestSmtp): Promise<{ groupId: string; templateId: string; profiles: Record<string, string> }> {
  const api = apiAs(t);
  const put = await api('PUT', '/api/v1/channel-settings/email', smtpSettings(smtp));
  if (put.status !== 200) throw new Error(`email settings refused: ${JSON.stringify(put.body)}`);
  await t.nudge.ingest.ingest(t.workspace.id, CUSTOMERS.map((c) => ({ type: 'identify', userId: c.userId, traits: c.traits })));
  await t.nudge.ingest.flush();
  const group = await api('POST', '/api/v1/subscription-groups', { name: 'Newsletter', nameZh: '新闻简报', channel: 'email', type: 'opt_out' });
  if (group.status !== 201) throw new Error(`group refused: ${JSON.stringify(group.body)}`);
  const groupId = (group.body as { id: string }).id;
  const tpl = await api('POST', '/api/v1/templates', newsletterTemplate(groupId));
  if (tpl.status !== 201) throw new Error(`template refused: ${JSON.stringify(tpl.body)}`);
  const profiles: Record<string, string> = {};
  for (const c of CUSTOMERS) profiles[c.userId] = (await t.nudge.profiles.get(t.workspace.id, c.userId, 0)).id;
  return { groupId, templateId: (tpl.body as { id: string }).id, profiles };
}

/** A header of a raw message as sent, unfolded (RFC 5322 §2.2.3); mailparser restructures List-* headers. */
export function rawHeader(raw: string, name: string): string | null {
  const head = raw.split(/\r?\n\r?\n/, 1)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const line = unfolded.split(/\r?\n/).find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : null;
}
