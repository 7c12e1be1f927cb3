// Load generator for the ingest benchmark, run in its own process so it does not share the
// server's event loop: POST /v1/batch with realistic payloads, unique messageIds per request.
import autocannon from 'autocannon';
import { batchTemplate } from './segment-payloads.js';

const [url, writeKey, seconds, connections, runId] = process.argv.slice(2);
if (!url || !writeKey) throw new Error('usage: ingest.load.ts URL WRITE_KEY SECONDS CONNECTIONS RUN_ID');
const templates = Array.from({ length: 64 }, (_, i) => batchTemplate(1000 + i, 100, 50_000));
let n = 0;
const auth = `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`;

const result = await autocannon({
  url,
  connections: Number(connections ?? 8),
  duration: Number(seconds ?? 10),
  requests: [
    {
      method: 'POST',
      path: '/v1/batch',
      headers: { 'content-type': 'application/json', authorization: auth },
      setupRequest: (req) => {
        const body = (templates[n % templates.length] ?? '').replaceAll('__M__', `${runId}-${n}`);
        n++;
        return { ...req, body };
      },
    },
  ],
});
process.stdout.write(
  JSON.stringify({
    ok: result['2xx'],
    non2xx: result.non2xx,
    errors: result.errors,
    durationMs: result.duration * 1000,
    p50: result.latency.p50,
    p99: result.latency.p99,
    bytes: result.throughput.total,
  }) + '\n',
);
