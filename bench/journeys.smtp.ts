// A real SMTP server (smtp-server) in its own process for the journeys benchmark: it reads each
// message to its end and counts it, parsing nothing, and reports over IPC. Its own process, so
// the receiving side does not share the sender's event loop (as a real mail server would not).
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';

let received = 0;
let bytes = 0;
const recipients = new Map<string, number>();
const server = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  // Many pooled connections at once from one client.
  maxClients: 200,
  onData(stream, session, callback) {
    stream.on('data', (c: Buffer) => (bytes += c.length));
    stream.on('end', () => {
      received++;
      for (const r of session.envelope.rcptTo) recipients.set(r.address, (recipients.get(r.address) ?? 0) + 1);
      callback();
    });
  },
});
server.on('error', () => {});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.server.address() as AddressInfo).port }); // a TCP listener: address() is an AddressInfo
});
process.on('message', (m: { type: string }) => {
  if (m.type === 'count') {
    let repeated = 0;
    for (const n of recipients.values()) if (n > 1) repeated += n - 1;
    const cpu = process.cpuUsage();
    process.send?.({ received, bytes, distinct: recipients.size, repeated, cpuSeconds: (cpu.user + cpu.system) / 1e6 });
  }
  if (m.type === 'reset') {
    received = 0;
    bytes = 0;
    recipients.clear();
    process.send?.({ ok: true });
  }
  if (m.type === 'close') server.close(() => process.exit(0));
});
