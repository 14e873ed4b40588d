#!/usr/bin/env node
// `npm run receiver`: a webhook receiver for trying the platform out. Verifies every request with the
// `standardwebhooks` package and the endpoint's signing secret, answers 200 when it verifies and 400
// (with the reason) when it does not, and prints one line per request.
//   WEBHOOK_SECRET=whsec_... npm run receiver        listens on 127.0.0.1:4000, any path
//   RECEIVER_PORT, RECEIVER_HOST                      change the address (0.0.0.0 to reach it from containers)
import { createServer } from 'node:http';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const MAX_BODY_BYTES = 1024 * 1024;
const secret = process.env.WEBHOOK_SECRET;
const port = Number(process.env.RECEIVER_PORT ?? 4000);
const host = process.env.RECEIVER_HOST ?? '127.0.0.1';

if (!secret) {
  console.error('receiver: set WEBHOOK_SECRET to the endpoint secret (whsec_...) that POST /v1/endpoints returned');
  process.exit(1);
}
let webhook;
try {
  webhook = new Webhook(secret);
} catch (err) {
  console.error(`receiver: WEBHOOK_SECRET is not a valid signing secret: ${err.message}`);
  process.exit(1);
}

function answer(res, status, text) {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(`${text}\n`);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') return answer(res, 405, 'POST webhooks here');
  const chunks = [];
  let size = 0;
  let tooLarge = false;
  req.on('data', (chunk) => {
    if (tooLarge) return;
    size += chunk.length;
    if (size > MAX_BODY_BYTES) {
      tooLarge = true;
      console.log(`rejected ${req.headers['webhook-id'] ?? '-'}: body over ${MAX_BODY_BYTES} bytes`);
      answer(res, 413, 'body too large');
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on('end', () => {
    if (tooLarge) return;
    const body = Buffer.concat(chunks).toString('utf8');
    const id = req.headers['webhook-id'] ?? '-';
    try {
      // verify() checks the signature over the raw body and that the timestamp is within 5 minutes.
      const payload = webhook.verify(body, req.headers);
      console.log(`verified ${payload?.type ?? '?'} ${id}`);
      answer(res, 200, 'ok');
    } catch (err) {
      const reason = err instanceof WebhookVerificationError ? err.message : `unreadable payload: ${err.message}`;
      console.log(`rejected ${id}: ${reason}`);
      answer(res, 400, reason);
    }
  });
});

server.on('error', (err) => {
  console.error(`receiver: cannot listen on ${host}:${port}: ${err.code ?? err.message}`);
  process.exit(1);
});
server.listen(port, host, () => console.log(`receiver: listening on http://${host}:${port}/ (any path); Ctrl-C stops it`));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)));
