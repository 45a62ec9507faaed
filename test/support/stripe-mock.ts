/**
 * stripe-mock for tests (the binary scripts/setup-tools.sh builds), started on loopback ports
 * it picks itself. stripe-mock validates every request against Stripe's OpenAPI spec but does
 * not echo line items or metadata back, so `recordStripeMock` puts a small forwarding proxy in
 * front of it that keeps what the SDK actually sent on the wire.
 */
import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startStripeMock, type StripeMock } from '../../src/dev/stripe-mock.js';

export { startStripeMock, stripeMockPath, type StripeMock } from '../../src/dev/stripe-mock.js';

export interface RecordedStripeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The form-encoded body (`line_items[0][price_data][unit_amount]` → '42050'). */
  form: URLSearchParams;
  status: number;
}

export interface RecordingStripeMock extends StripeMock {
  requests: RecordedStripeRequest[];
}

/** stripe-mock behind a recording proxy: point the SDK at the returned host/port. */
export async function recordStripeMock(): Promise<RecordingStripeMock> {
  const mock = await startStripeMock();
  const requests: RecordedStripeRequest[] = [];
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const upstream = httpRequest(
        { host: mock.host, port: mock.port, method: req.method, path: req.url, headers: req.headers },
        (up) => {
          requests.push({
            method: req.method ?? 'GET',
            path: req.url ?? '/',
            headers: req.headers,
            form: new URLSearchParams(body.toString('utf8')),
            status: up.statusCode ?? 0,
          });
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        },
      );
      upstream.on('error', () => res.writeHead(502).end());
      upstream.end(body);
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', () => resolve()));
  const port = (proxy.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    host: '127.0.0.1',
    port,
    sdk: { host: '127.0.0.1', port, protocol: 'http' },
    requests,
    stop: async () => {
      proxy.closeAllConnections();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await mock.stop();
    },
  };
}
