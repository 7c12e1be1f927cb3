import { randomBytes } from 'node:crypto';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyWebhookSignature } from './webhook.channel.js';

/**
 * Real providers on loopback for channel tests (STYLE §13): an SMTP server, a Twilio-shaped HTTP
 * API, a webhook receiver, and a server that accepts connections and never answers.
 */

export type Rejection = 'temporary' | 'permanent';

interface Closable {
  port: number;
  close(): Promise<void>;
}

const portOf = (server: net.Server): number => {
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('server is not listening on TCP');
  return (addr satisfies AddressInfo).port;
};

async function listen(server: net.Server): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return portOf(server);
}

/** Accepts TCP connections and never writes a byte: a provider that hangs. */
export async function startHangingServer(): Promise<Closable> {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => {});
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server);
  return {
    port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A loopback port nothing listens on: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = await startHangingServer();
  await server.close();
  return server.port;
}

export interface SmtpCapture extends Closable {
  readonly mails: ParsedMail[];
  /** TCP connections opened so far (pooling reuses them). */
  connections(): number;
  /** The next message is refused: 451 at DATA (temporary) or 550 at RCPT (permanent). */
  rejectNext(kind: Rejection): void;
}

export async function startSmtpServer(auth: { user: string; pass: string }): Promise<SmtpCapture> {
  const mails: ParsedMail[] = [];
  let reject: Rejection | null = null;
  let connections = 0;
  const smtpError = (message: string, responseCode: number): Error => Object.assign(new Error(message), { responseCode });
  const server = new SMTPServer({
    // Plain SMTP on loopback: STARTTLS would need a certificate, and is not what these tests are about.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onConnect(_session, callback) {
      connections++;
      callback();
    },
    onAuth(a, _session, callback) {
      if (a.username === auth.user && a.password === auth.pass) callback(null, { user: a.username });
      else callback(smtpError('Invalid username or password', 535));
    },
    onRcptTo(_address, _session, callback) {
      if (reject === 'permanent') {
        reject = null;
        callback(smtpError('5.1.1 Mailbox does not exist', 550));
      } else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream)
        .then((mail) => {
          if (reject === 'temporary') {
            reject = null;
            callback(smtpError('4.3.0 Try again later', 451));
            return;
          }
          mails.push(mail);
          callback();
        })
        .catch((err: unknown) => callback(err instanceof Error ? err : new Error(String(err))));
    },
  });
  const tcp = server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => tcp.once('listening', () => resolve()));
  return {
    port: portOf(tcp),
    mails,
    connections: () => connections,
    rejectNext: (kind) => {
      reject = kind;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The status the server answered with. */
  status?: number;
}

async function readBody(req: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

type Handler = (req: RecordedRequest) => { status: number; json?: unknown; text?: string; headers?: Record<string, string> };

async function startHttp(handler: Handler): Promise<Closable & { readonly requests: RecordedRequest[] }> {
  const requests: RecordedRequest[] = [];
  const server = http.createServer((req, res) => {
    readBody(req)
      .then((body) => {
        const recorded: RecordedRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body };
        requests.push(recorded);
        const out = handler(recorded);
        recorded.status = out.status;
        const payload = out.json !== undefined ? JSON.stringify(out.json) : (out.text ?? '');
        res.writeHead(out.status, { 'content-type': out.json !== undefined ? 'application/json' : 'text/plain', ...out.headers });
        res.end(payload);
      })
      .catch(() => res.destroy());
  });
  const port = await listen(server);
  return {
    port,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface HttpCapture extends Closable {
  readonly requests: RecordedRequest[];
  rejectNext(kind: Rejection): void;
}

/** The Twilio Messages API shape: basic auth, form body, 201 with a message resource or an error object. */
export async function startTwilioServer(account: { sid: string; token: string }): Promise<HttpCapture> {
  let reject: Rejection | null = null;
  const expectedAuth = `Basic ${Buffer.from(`${account.sid}:${account.token}`).toString('base64')}`;
  const server = await startHttp((req) => {
    if (req.method !== 'POST' || req.path !== `/2010-04-01/Accounts/${account.sid}/Messages.json`) return { status: 404, json: { code: 20404, message: 'The requested resource was not found', status: 404 } };
    if (req.headers.authorization !== expectedAuth) return { status: 401, json: { code: 20003, message: 'Authenticate', status: 401 } };
    const form = new URLSearchParams(req.body);
    const kind = reject;
    reject = null;
    if (kind === 'temporary') return { status: 429, headers: { 'retry-after': '2' }, json: { code: 20429, message: 'Too Many Requests', status: 429 } };
    if (kind === 'permanent' || !/^\+\d{6,15}$/.test(form.get('To') ?? ''))
      return { status: 400, json: { code: 21211, message: `The 'To' number ${form.get('To') ?? ''} is not a valid phone number.`, more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 } };
    return { status: 201, json: { sid: `SM${randomBytes(16).toString('hex')}`, status: 'queued', to: form.get('To'), from: form.get('From'), body: form.get('Body') } };
  });
  return {
    ...server,
    rejectNext: (kind) => {
      reject = kind;
    },
  };
}

export interface WebhookCapture extends HttpCapture {
  /** Whether each request's X-Nudge-Signature verified with the receiver's secret. */
  readonly verified: boolean[];
}

/** A receiver that checks the signature like a customer's endpoint would, and answers JSON. */
export async function startWebhookReceiver(secret: string): Promise<WebhookCapture> {
  let reject: Rejection | null = null;
  const verified: boolean[] = [];
  const server = await startHttp((req) => {
    const header = req.headers['x-nudge-signature'];
    verified.push(verifyWebhookSignature(secret, typeof header === 'string' ? header : undefined, req.body));
    const kind = reject;
    reject = null;
    if (req.path === '/moved') return { status: 301, headers: { location: '/hooks/new' }, text: '' };
    if (kind === 'temporary') return { status: 503, text: 'upstream unavailable' };
    if (kind === 'permanent') return { status: 422, json: { error: 'unknown customer' } };
    return { status: 200, json: { ok: true, coupon: 'WELCOME10' } };
  });
  return {
    ...server,
    verified,
    rejectNext: (kind) => {
      reject = kind;
    },
  };
}
