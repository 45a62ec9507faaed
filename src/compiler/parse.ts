/**
 * Parses one YAML document per file. The fast path (js-yaml, core schema, the same YAML 1.2
 * semantics as `yaml`) keeps validation quick; positions are computed later, and only for files
 * that have a diagnostic (see locate.ts). When the fast parser refuses a file, the positional
 * parser (`yaml`) runs and its errors are reported at the offending node.
 */
import jsYaml from 'js-yaml';
import { LineCounter, parseAllDocuments, type Document } from 'yaml';

export type ParseResult = { ok: true; value: unknown } | { ok: false; errors: RawYamlError[] };

export interface RawYamlError {
  code: string;
  message: string;
  line: number;
  column: number;
  hint?: string;
}

const YAML_CODES: Record<string, { code: string; hint: string }> = {
  DUPLICATE_KEY: { code: 'DUPLICATE_KEY', hint: 'remove one of the two entries: a key may appear once per map' },
  BAD_INDENT: { code: 'YAML_SYNTAX', hint: 'align the entries of a map or list at the same indentation' },
  TAB_AS_INDENT: { code: 'YAML_SYNTAX', hint: 'indent with spaces: YAML does not allow tabs for indentation' },
};

/** Errors of the positional parser, already located (line and column 1-based). */
export function yamlErrors(text: string): RawYamlError[] {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: RawYamlError[] = [];
  list.forEach((doc: Document.Parsed, i) => {
    for (const e of doc.errors) {
      const pos = lc.linePos(e.pos[0]);
      const known = YAML_CODES[e.code];
      out.push({
        code: known?.code ?? 'YAML_SYNTAX',
        message: firstLine(e.message),
        line: pos.line,
        column: pos.col,
        hint: known?.hint ?? 'fix the YAML syntax at this position (quote values that contain ": " or "#")',
      });
    }
    if (i === 1) {
      const pos = lc.linePos(doc.range[0]);
      out.push({
        code: 'MULTIPLE_DOCUMENTS',
        message: 'a file holds exactly one document, but a second one starts here',
        line: pos.line,
        column: pos.col,
        hint: 'move each document after a `---` separator into a file of its own',
      });
    }
  });
  return out;
}

function firstLine(s: string): string {
  const line = s.split('\n')[0] ?? s;
  return line.replace(/ at line \d+, column \d+:?$/, '');
}

/** Parses `text`; on failure returns located YAML diagnostics for `file`. */
export function parseYaml(file: string, text: string): ParseResult {
  try {
    return { ok: true, value: jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file }) };
  } catch {
    const errors = yamlErrors(text);
    if (errors.length > 0) return { ok: false, errors };
    // The positional parser accepts what js-yaml refused (an edge of the spec): trust it.
    const lc = new LineCounter();
    const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: true });
    const first = Array.isArray(docs) ? docs[0] : docs;
    return { ok: true, value: first?.toJS() ?? null };
  }
}
