import type { Kind } from '../dsl/index.js';
import type { PendingDiagnostic } from './diagnostic.js';
import { TABLE, type Project, type Resource } from '../project/project.js';

/** Adds a document; a second document of the same kind and name is a DUPLICATE_NAME error. */
export function addResource(
  project: Project,
  kind: Kind,
  file: string,
  doc: unknown,
  valid: boolean,
): PendingDiagnostic | undefined {
  const table = project[TABLE[kind]] as Map<string, Resource<unknown>>;
  const name = (doc as { metadata?: { name?: unknown } }).metadata?.name;
  if (typeof name !== 'string') return undefined;
  const first = table.get(name);
  if (first) {
    return {
      file,
      severity: 'error',
      code: 'DUPLICATE_NAME',
      message: `a ${kind} named \`${name}\` is already defined in ${first.file}`,
      at: ['metadata', 'name'],
      hint: `rename one of them: names are unique per kind across all files`,
    };
  }
  table.set(name, { file, doc, valid });
  return undefined;
}
