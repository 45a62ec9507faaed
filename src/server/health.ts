/**
 * The HTTP server's health endpoints on SETTLE_HTTP_ADDR: /healthz (the process answers),
 * /readyz (its dependencies answer) and /metrics. The tracking, landing-page and webhook routes
 * join this server with the channels work.
 */
import { createServer, type Server } from 'node:http';

export interface HealthServerOptions {
  host: string;
  port: number;
  /** Resolves true when the server can do its job (Temporal reachable…). */
  ready: () => Promise<boolean>;
  /** Prometheus text exposition of this process's metrics. */
  metrics: () => Promise<string>;
  /** `settle dev` only: a local receiver for journey webhooks (POST /dev/webhooks/…). */
  webhookInbox?: (path: string, body: string) => void;
}

const MAX_BODY = 1024 * 1024;

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export async function startHealthServer(o: HealthServerOptions): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (o.webhookInbox && req.method === 'POST' && path?.startsWith('/dev/webhooks/')) {
      let body = '';
      let size = 0;
      req.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_BODY) body += c.toString('utf8');
      });
      req.on('end', () => {
        if (size > MAX_BODY) return send(413, 'too large\n');
        o.webhookInbox!(path, body);
        send(202, 'accepted\n');
      });
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');
    if (path === '/healthz') return send(200, 'ok\n');
    if (path === '/readyz') {
      o.ready().then(
        (ok) => send(ok ? 200 : 503, ok ? 'ready\n' : 'not ready\n'),
        () => send(503, 'not ready\n'),
      );
      return;
    }
    if (path === '/metrics') {
      o.metrics().then(
        (text) => send(200, text, 'text/plain; version=0.0.4; charset=utf-8'),
        () => send(500, 'metrics unavailable\n'),
      );
      return;
    }
    send(404, 'not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const addr = server.address();
  const port = addr && typeof addr === 'object' ? addr.port : o.port;
  return {
    url: `http://${o.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
