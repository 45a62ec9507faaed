/** Connections to Temporal from the typed configuration (local dev server, self-hosted with mTLS, or Temporal Cloud). */
import { readFileSync } from 'node:fs';
import { Client, Connection } from '@temporalio/client';
import type { TemporalConfig } from '../config/env.js';
import { dataConverterFor } from './codec.js';

function file(p: string | undefined): Buffer | undefined {
  return p === undefined ? undefined : readFileSync(p);
}

export function connectionOptions(t: TemporalConfig) {
  const cert = file(t.tls?.cert);
  const key = file(t.tls?.key);
  const ca = file(t.tls?.ca);
  const tls =
    t.tls || t.apiKey
      ? {
          ...(ca && { serverRootCACertificate: ca }),
          ...(cert && key && { clientCertPair: { crt: cert, key } }),
        }
      : undefined;
  return { address: t.address, ...(tls && { tls }), ...(t.apiKey && { apiKey: t.apiKey }) };
}

/** Raised when Temporal cannot be reached: commands exit 3 with this message. */
export class TemporalUnavailableError extends Error {}

export async function connectClient(t: TemporalConfig): Promise<{ client: Client; connection: Connection }> {
  try {
    const connection = await Connection.connect({ ...connectionOptions(t), connectTimeout: '5s' });
    const dataConverter = dataConverterFor(t);
    const client = new Client({ connection, namespace: t.namespace, ...(dataConverter && { dataConverter }) });
    return { client, connection };
  } catch (e) {
    throw new TemporalUnavailableError(
      `cannot reach Temporal at ${t.address} (${(e as Error).message}) — start one with \`settle dev\` or set TEMPORAL_ADDRESS`,
    );
  }
}
