/**
 * How the server reads a failed Temporal call: the journey is gone (its workflow ended, or never
 * existed), the failure is worth retrying (Temporal slow, restarting or unreachable), or it is
 * not (a configuration problem such as an unknown namespace or a refused credential).
 */
import { isGrpcServiceError, ServiceError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';

/** gRPC status codes (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
const GRPC = {
  cancelled: 1,
  unknown: 2,
  deadlineExceeded: 4,
  notFound: 5,
  resourceExhausted: 8,
  aborted: 10,
  internal: 13,
  unavailable: 14,
};

const TRANSIENT = new Set<number>([
  GRPC.cancelled,
  GRPC.unknown,
  GRPC.deadlineExceeded,
  GRPC.resourceExhausted,
  GRPC.aborted,
  GRPC.internal,
  GRPC.unavailable,
]);

export type CallFailure = 'not-found' | 'transient' | 'permanent';

function grpcCode(error: unknown): number | undefined {
  if (isGrpcServiceError(error)) return error.code;
  if (error instanceof ServiceError && isGrpcServiceError(error.cause)) return error.cause.code;
  return undefined;
}

export function classifyFailure(error: unknown): CallFailure {
  if (error instanceof WorkflowNotFoundError) return 'not-found';
  if (error instanceof NamespaceNotFoundError) return 'permanent';
  const code = grpcCode(error);
  if (code === GRPC.notFound) return 'not-found';
  if (code !== undefined) return TRANSIENT.has(code) ? 'transient' : 'permanent';
  // Not a gRPC status (a dropped connection surfacing as a plain error): retry within the budget.
  return 'transient';
}

/** A short label for logs and counters: the gRPC code name or the error class, never a message. */
export function failureLabel(error: unknown): string {
  const code = grpcCode(error);
  if (code !== undefined) return `grpc-${code}`;
  return error instanceof Error ? error.name : 'unknown';
}
