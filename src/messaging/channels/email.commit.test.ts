import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { createEmailChannel, emailMessageId, type EmailChannel, type EmailMessage } from './email.channel.js';
import { createThreadedEmailChannel } from './email.threaded.js';

/**
 * The end-of-data commit point (SendOptions.beforeCommit) against a real SMTP server on loopback:
 * the server accepts a message only on the final "." (RFC 5321 §4.1.1.4), so delivery's durable
 * marker must be written after the server has everything else and before that dot.
 */

const FROM = 'Nudge Shop <news@shop.example>';

interface Recorder {
  port: number;
  events: string[];
  mails: ParsedMail[];
  /** Bytes of the message in progress received so far (dot-unstuffed, without the final dot). */
  partial(): string;
  close(): Promise<void>;
}

async function startRecorder(): Promise<Recorder> {
  const events: string[] = [];
  const mails: ParsedMail[] = [];
  let chunks: Buffer[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onMailFrom(_address, _session, callback) {
      events.push('server: MAIL FROM');
      callback();
    },
    onData(stream, _session, callback) {
      events.push('server: DATA');
      chunks = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      // A client that goes away mid-message: the server keeps nothing, as a real one would.
      stream.on('error', () => events.push('server: DATA cut off'));
      stream.on('end', () => {
        if (stream.sizeExceeded) return callback(new Error('too big'));
        events.push('server: end of data');
        simpleParser(Buffer.concat(chunks)).then(
          (mail) => {
            mails.push(mail);
            callback();
          },
          (err: unknown) => callback(err instanceof Error ? err : new Error(String(err))),
        );
      });
    },
    onClose() {
      events.push('server: connection closed');
    },
  });
  server.on('error', () => {});
  const tcp = server.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => tcp.once('listening', () => resolve()));
  return {
    port: (tcp.address() as AddressInfo).port, // listening on TCP: address() is an AddressInfo
    events,
    mails,
    partial: () => Buffer.concat(chunks).toString('utf8'),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const message = (i: number): EmailMessage => ({
  to: `ada${i}@example.com`,
  subject: `Order #${i} / 您的订单`,
  html: `<p>Hello <b>Ada</b>, order ${i} has shipped.</p>`,
  text: `Hello Ada, order ${i} has shipped.`,
  nudgeMessageId: `msg_${i}`,
  unsubscribeUrl: `https://nudge.example/u/token-${i}`,
});

/** Resolves once `check` holds, polling; fails after `ms`. */
async function until(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const headerOf = (mail: ParsedMail, name: string): string | undefined => mail.headerLines.find((l) => l.key === name)?.line.replace(/^[^:]+:\s*/, '');

// The same guarantees whether the SMTP conversation runs on this thread or in worker threads, where
// beforeCommit is a round trip back to the sending thread.
const variants: Array<[string, (settings: Parameters<typeof createEmailChannel>[0]) => EmailChannel]> = [
  ['on the calling thread', (settings) => createEmailChannel(settings)],
  ['in worker threads', (settings) => createThreadedEmailChannel(settings, { threads: 2 })],
];

for (const [where, createEmailChannel] of variants) {
  describe(`email end-of-data commit (beforeCommit), ${where}`, () => {
    let smtp: Recorder;
    let channel: EmailChannel;
    before(async () => {
      smtp = await startRecorder();
      channel = createEmailChannel({ host: '127.0.0.1', port: smtp.port, secure: false, from: FROM, maxConnections: 1, connectionTimeoutMs: 5_000, socketTimeoutMs: 5_000 });
    });
    after(async () => {
      await channel.close();
      await smtp.close();
    });

    test('is called once, after the server has the whole message and before the dot that makes it accept it', async () => {
      smtp.events.length = 0;
      let calls = 0;
      const result = await channel.send(message(1), {
        idempotencyKey: 'commit-1',
        beforeCommit: async () => {
          calls++;
          // The last MIME part reaches the server while the dot is held back.
          await until(() => smtp.partial().includes('order 1 has shipped.</p>'), 'the HTML part at the server');
          smtp.events.push('client: beforeCommit');
        },
      });
      assert.equal(result.status, 'sent', JSON.stringify(result));
      assert.equal(calls, 1);
      assert.deepEqual(smtp.events, ['server: MAIL FROM', 'server: DATA', 'client: beforeCommit', 'server: end of data']);
      const mail = smtp.mails.at(-1) ?? assert.fail('no mail received');
      assert.equal(mail.messageId, emailMessageId('commit-1', FROM));
      assert.equal(headerOf(mail, 'x-nudge-message-id'), 'msg_1');
      assert.equal(headerOf(mail, 'list-unsubscribe'), '<https://nudge.example/u/token-1>');
      assert.equal(headerOf(mail, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
      assert.match(String(headerOf(mail, 'content-type')), /^multipart\/alternative/);
      assert.equal(mail.text?.trim(), 'Hello Ada, order 1 has shipped.');
    });

    test('if it throws, the dot is never sent: the server keeps nothing, the result is temporary, and the next send works', async () => {
      smtp.events.length = 0;
      const before = smtp.mails.length;
      let calls = 0;
      const result = await channel.send(message(2), {
        idempotencyKey: 'commit-2',
        beforeCommit: async () => {
          calls++;
          throw new Error('message msg_2: attempt 1 no longer owns the message');
        },
      });
      assert.equal(result.status, 'temporary', JSON.stringify(result));
      assert.match(result.status === 'temporary' ? result.error : '', /abandoned before the end of data: .*no longer owns/);
      assert.equal(calls, 1);
      await until(() => smtp.events.includes('server: connection closed'), 'the connection to close');
      assert.ok(smtp.events.includes('server: DATA'), smtp.events.join(', '));
      assert.ok(!smtp.events.includes('server: end of data'), smtp.events.join(', '));
      assert.equal(smtp.mails.length, before);

      const again = await channel.send(message(3), { idempotencyKey: 'commit-3', beforeCommit: async () => {} });
      assert.equal(again.status, 'sent', JSON.stringify(again));
      assert.equal(smtp.mails.at(-1)?.messageId, emailMessageId('commit-3', FROM));
    });

    test('with DKIM the message is signed and the commit still waits for DATA', async () => {
      const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const signing = createEmailChannel({
        host: '127.0.0.1',
        port: smtp.port,
        secure: false,
        from: FROM,
        dkim: { domainName: 'shop.example', keySelector: 'nudge', privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
      });
      try {
        smtp.events.length = 0;
        const result = await signing.send(message(4), { idempotencyKey: 'commit-4', beforeCommit: async () => void smtp.events.push('client: beforeCommit') });
        assert.equal(result.status, 'sent', JSON.stringify(result));
        assert.deepEqual(smtp.events.slice(0, 4), ['server: MAIL FROM', 'server: DATA', 'client: beforeCommit', 'server: end of data']);
        const mail = smtp.mails.at(-1) ?? assert.fail('no mail received');
        assert.match(String(headerOf(mail, 'dkim-signature')), /d=shop\.example;.*s=nudge;/s);
        assert.equal(mail.messageId, emailMessageId('commit-4', FROM));
      } finally {
        await signing.close();
      }
    });
  });
}
