/**
 * Parses one YAML document per file. The fast path (js-yaml, core schema, the same YAML 1.2
 * semantics as `yaml`) keeps validation quick; positions are computed later, and only for files
 * that have a diagnostic (see locate.ts). When the fast parser refuses a file, the positional
 * parser (`yaml`) runs and its errors are reported at the offending node.
 */
import jsYaml from 'js-yaml';
import { isMap, parseAllDocuments, parseDocument, Parser, visit, type Document } from 'yaml';
import { LineIndex } from './positions.js';

export type ParseResult =
  | { ok: true; value: unknown }
  /** `identity`: the kind and name the broken document seems to have (see recoverIdentity). */
  | { ok: false; errors: RawYamlError[]; identity?: Identity };

export interface Identity {
  kind: string;
  name: string;
}

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
  return positionalParse(text).errors;
}

function positionalParse(text: string): { errors: RawYamlError[]; first?: Document.Parsed } {
  const lc = new LineIndex(text);
  const docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: true });
  const list = Array.isArray(docs) ? docs : [docs];
  const out: RawYamlError[] = [];
  list.forEach((doc: Document.Parsed, i) => {
    // After the first syntax error the parser's view of the document is off, and what it reports
    // next is mostly a cascade of that one mistake (one tab yields a dozen errors): report the first
    // syntax error of each document only. Duplicate keys are independent and all reported.
    let syntaxSeen = false;
    for (const e of doc.errors) {
      const known = YAML_CODES[e.code];
      const code = known?.code ?? 'YAML_SYNTAX';
      if (code === 'YAML_SYNTAX') {
        if (syntaxSeen) continue;
        syntaxSeen = true;
      }
      const opener = unclosedOpener(text, e.message, e.pos[0]);
      if (opener) {
        const pos = lc.linePos(opener.offset);
        out.push({ code, message: opener.message, line: pos.line, column: pos.col, hint: opener.hint });
        continue;
      }
      const pos = lc.linePos(e.pos[0]);
      const key =
        code === 'DUPLICATE_KEY' ? /^("[^"\n]*"|'[^'\n]*'|[^:\n#]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1] : undefined;
      out.push({
        code,
        message: key !== undefined ? `the key \`${key}\` appears twice in this map` : firstLine(e.message),
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
  return { errors: out, first: list[0] };
}

interface CstToken {
  type?: string;
  offset?: number;
  source?: string;
  start?: { source?: string };
  end?: { source?: string }[];
}

function forEachToken(text: string, visit: (t: CstToken) => void): void {
  const walk = (t: unknown): void => {
    if (t === null || typeof t !== 'object') return;
    if (Array.isArray(t)) {
      for (const x of t) walk(x);
      return;
    }
    visit(t as CstToken);
    for (const v of Object.values(t)) walk(v);
  };
  for (const token of new Parser().parse(text)) walk(token);
}

/**
 * The parser notices an unclosed `[`, `{` or quote where it runs out of input or indentation,
 * often lines later: point at the opening character instead (found in the CST).
 */
function unclosedOpener(
  text: string,
  message: string,
  at: number,
): { offset: number; message: string; hint: string } | undefined {
  let found: { offset: number; message: string; hint: string } | undefined;
  if (/end with an? [\]}]/.test(message)) {
    forEachToken(text, (t) => {
      if (t.type !== 'flow-collection' || typeof t.offset !== 'number' || t.offset >= at) return;
      const open = t.start?.source === '{' ? '{' : '[';
      const close = open === '[' ? ']' : '}';
      if ((t.end ?? []).some((x) => x.source === close) || (found && found.offset > t.offset)) return;
      found = {
        offset: t.offset,
        message: `this \`${open}\` is never closed`,
        hint: `close it with \`${close}\`, or write the entries as a block, one per line`,
      };
    });
  } else if (/^Missing closing .?quote/.test(message)) {
    forEachToken(text, (t) => {
      if ((t.type !== 'double-quoted-scalar' && t.type !== 'single-quoted-scalar') || typeof t.offset !== 'number')
        return;
      const q = t.type === 'double-quoted-scalar' ? '"' : "'";
      if (t.offset <= at && at <= t.offset + (t.source?.length ?? 0)) {
        found = {
          offset: t.offset,
          message: `this ${q === '"' ? 'double' : 'single'}-quoted string is never closed`,
          hint: `end the value with a closing ${q}`,
        };
      }
    });
  }
  return found;
}

/**
 * Kind and name of a document that did not parse, read as far as the tolerant parser gets, so
 * that other files referring to it by name are not also reported (a cascade of one YAML error).
 */
export function recoverIdentity(text: string | Document): Identity | undefined {
  try {
    const doc = typeof text === 'string' ? parseDocument(text, { uniqueKeys: false }) : text;
    if (!isMap(doc.contents)) return undefined;
    const kind: unknown = doc.get('kind');
    const metadata: unknown = doc.get('metadata');
    const name: unknown = isMap(metadata) ? metadata.get('name') : undefined;
    return typeof kind === 'string' && typeof name === 'string' ? { kind, name } : undefined;
  } catch {
    return undefined;
  }
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
    const { errors, first: broken } = positionalParse(text);
    if (errors.length > 0) {
      const identity = broken ? recoverIdentity(broken) : undefined;
      return { ok: false, errors, ...(identity && { identity }) };
    }
    // The positional parser accepts what js-yaml refused (an edge of the spec): trust it.
    const lc = new LineIndex(text);
    const docs = parseAllDocuments(text, { uniqueKeys: true });
    const first = Array.isArray(docs) ? docs[0] : docs;
    try {
      return { ok: true, value: first?.toJS() ?? null };
    } catch (e) {
      // Both parsers refuse it, but only at conversion: an alias with no anchor before it (`*ref`).
      let at = 0;
      let alias: string | undefined;
      if (first) {
        visit(first, {
          Alias(_key, node) {
            if (node.resolve(first) !== undefined) return undefined;
            at = node.range?.[0] ?? 0;
            alias = node.source;
            return visit.BREAK;
          },
        });
      }
      const pos = lc.linePos(at);
      const message =
        alias !== undefined
          ? `the alias \`*${alias}\` refers to no anchor \`&${alias}\` defined before it`
          : firstLine(e instanceof Error ? e.message : String(e));
      const identity = first ? recoverIdentity(first) : undefined;
      const hint =
        alias !== undefined
          ? 'define the anchor (`&name value`) before the alias, or quote the value if the `*` is meant literally'
          : 'fix the YAML syntax at this position';
      return {
        ok: false,
        errors: [{ code: 'YAML_SYNTAX', message, line: pos.line, column: pos.col, hint }],
        ...(identity && { identity }),
      };
    }
  }
}
