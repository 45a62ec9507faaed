/**
 * Payload encryption in the test rigs, as in production: the product's clients (settle enroll,
 * event, status, server) encrypt with the key derived from SETTLE_SECRET, so the workers that run
 * their journeys decrypt with the same key. The environments' own clients only read encrypted
 * payloads and write in clear (the codec's read-only mode), so plain test workers keep working.
 */
import type { DataConverter } from '@temporalio/common';
import { keyFromSecret } from '../../src/config/encryption.js';
import { dataConverterFor } from '../../src/temporal/codec.js';

/** SETTLE_SECRET of the test rigs (and so the payload key of the tests' product clients). */
export const SECRET = 'test-secret-0123456789-abcdefghijklmnop';

/** What a worker or client of a deployment with SETTLE_SECRET=`secret` uses. */
export function dataConverterOf(secret: string = SECRET): DataConverter {
  return dataConverterFor({ encryptionKeys: [keyFromSecret(secret)] })!;
}

/** Reads payloads encrypted under `secret`'s key, writes in clear: the test environments' clients. */
export function readingDataConverterOf(secret: string = SECRET): DataConverter {
  return dataConverterFor({ encryptionKeys: [keyFromSecret(secret)], encryptionReadOnly: true })!;
}
