/**
 * Parses one YAML document per file. The fast path (js-yaml, core schema, the same YAML 1.2
 * semantics as `yaml`) keeps validation quick; positions are computed later, and only for files
 * that have a diagnostic (see locate.ts). When the fast parser refuses a file, the positional
 * parser (`yaml`) runs and its errors are reported at the offending node.
 */
import jsYaml from 'js-yaml';
import { isMap, parseAllDocuments, parseDocument, Parser, visit, type Document } from 'yaml';
import type { Diagnostic } from './diagnostic.js';
import { Locator } from './locate.js';
import { LineIndex } from './positions.js';
import { MAX_SOURCE_BYTES, MAX_SOURCE_SIZE_TEXT, type SourceFile } from './sources.js';

/**
 * How deep maps and lists may nest. A journey needs about ten levels; the limit keeps every
 * recursive walk of a document (the schema, the checks, the plan) far from the stack's end.
 */
export const MAX_NESTING = 64;
/** How many values anchors and aliases may add when a document is expanded ("billion laughs" adds billions). */
export const MAX_ALIAS_EXPANSION = 100_000;
/** The longest map key: keys name fields, ids, locales and labels (YAML itself caps implicit keys at 1024). */
export const MAX_KEY_LENGTH = 256;
/** C0 and C1 control characters, DEL included, except tab, line feed and carriage return. */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
const CONTROL_NAMES: Record<number, string> = {
  0: 'NUL',
  7: 'BEL',
  8: 'BS',
  11: 'VT',
  12: 'FF',
  27: 'ESC',
  127: 'DEL',
};

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

/** A file's YAML errors as diagnostics: located, about the whole document. */
export function yamlDiagnostics(file: string, errors: RawYamlError[]): Diagnostic[] {
  return errors.map((e) => ({
    file,
    line: e.line,
    column: e.column,
    severity: 'error',
    code: e.code,
    message: e.message,
    pointer: '',
    path: '(document)',
    ...(e.hint !== undefined && { hint: e.hint }),
  }));
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

/** Parses a source as read from disk: a file that could not be read gives its one diagnostic. */
export function parseSource(src: SourceFile): ParseResult {
  if (!src.unreadable) return parseYaml(src.path, src.text);
  const { code, message, hint, line = 1, column = 1 } = src.unreadable;
  return { ok: false, errors: [{ code, message, hint, line, column }] };
}

/**
 * Parses `text`; on failure returns located YAML diagnostics for `file`. Hostile input is refused
 * with a diagnostic before it can exhaust anything: text over the size limit, control characters,
 * nesting deeper than MAX_NESTING, aliases that expand past MAX_ALIAS_EXPANSION values.
 */
export function parseYaml(file: string, text: string): ParseResult {
  const refused = refuseText(text);
  if (refused) return { ok: false, errors: [refused] };
  try {
    const value: unknown = jsYaml.load(text, { schema: jsYaml.CORE_SCHEMA, filename: file });
    const bad = refuseValue(text, value);
    return bad ? { ok: false, errors: [bad] } : { ok: true, value };
  } catch (e) {
    if (isStackOverflow(e)) return { ok: false, errors: [tooDeep(text)] };
    try {
      return parseTolerantly(text);
    } catch (again) {
      if (isStackOverflow(again)) return { ok: false, errors: [tooDeep(text)] };
      throw again;
    }
  }
}

function isStackOverflow(e: unknown): boolean {
  return e instanceof RangeError && /call stack/i.test(e.message);
}

/** What js-yaml refused: the positional parser locates the error, or accepts an edge of the spec. */
function parseTolerantly(text: string): ParseResult {
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
    const value: unknown = first?.toJS() ?? null;
    const bad = refuseValue(text, value);
    return bad ? { ok: false, errors: [bad] } : { ok: true, value };
  } catch (e) {
    if (isStackOverflow(e)) throw e;
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

// --- limits -------------------------------------------------------------------------------------

function controlName(ch: string): string {
  const c = ch.charCodeAt(0);
  const hex = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  return CONTROL_NAMES[c] ? `${hex} (${CONTROL_NAMES[c]})` : hex;
}

/** Refusals found in the raw text: too large (text given in memory), a control character. */
function refuseText(text: string): RawYamlError | undefined {
  // A UTF-16 unit is 1 to 3 UTF-8 bytes: count them only when the length leaves a doubt.
  if (
    text.length > MAX_SOURCE_BYTES ||
    (text.length * 3 > MAX_SOURCE_BYTES && Buffer.byteLength(text) > MAX_SOURCE_BYTES)
  ) {
    return {
      code: 'FILE_TOO_LARGE',
      message: `this file is ${(Buffer.byteLength(text) / (1024 * 1024)).toFixed(1)} MiB; the limit is ${MAX_SOURCE_SIZE_TEXT} per file`,
      line: 1,
      column: 1,
      hint: 'a journey file is a few kilobytes: split it into several files, or check that it is the file you meant',
    };
  }
  const m = CONTROL.exec(text);
  if (!m) return undefined;
  const pos = new LineIndex(text).linePos(m.index);
  return {
    code: 'CONTROL_CHARACTER',
    message: `the control character ${controlName(m[0])} is not allowed in a source file`,
    line: pos.line,
    column: pos.col,
    hint: 'delete it (most editors do not show it; it came with a copy-paste or a binary file): only tabs, line breaks and printable characters are allowed',
  };
}

type Finding =
  | { kind: 'control'; at: (string | number)[]; onKey: boolean; ch: string }
  | { kind: 'deep'; at: (string | number)[] }
  | { kind: 'longKey'; at: (string | number)[]; length: number }
  | { kind: 'aliases' };

interface Frame {
  node: object;
  /** The keys of a map; undefined for a list (its indices are walked). */
  keys: string[] | undefined;
  length: number;
  i: number;
  /** Levels below this node (0 for a node whose values are all scalars). */
  below: number;
  /** Values in this node once expanded, itself included. */
  size: number;
}

/**
 * One walk of a parsed document, without recursion (the document may be deep) and visiting each
 * object once (aliases share objects: a billion-laughs file is small as a graph, huge as a tree):
 * a control character written as an escape (`"\0"`, `"\e"`), a key over MAX_KEY_LENGTH, nesting
 * past MAX_NESTING (through aliases too), or aliases that add more than MAX_ALIAS_EXPANSION values.
 */
function inspect(value: unknown): Finding | undefined {
  if (typeof value === 'string') {
    const m = CONTROL.exec(value);
    return m ? { kind: 'control', at: [], onKey: false, ch: m[0] } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  const done = new Map<object, { below: number; size: number }>();
  const open = new Set<object>();
  const frames: Frame[] = [];
  const path: (string | number)[] = [];
  let written = 0;
  const enter = (node: object) => {
    open.add(node);
    const keys = Array.isArray(node) ? undefined : Object.keys(node);
    const length = keys ? keys.length : (node as unknown[]).length;
    frames.push({ node, keys, length, i: 0, below: 0, size: 1 });
  };
  enter(value);
  while (frames.length > 0) {
    const f = frames[frames.length - 1]!;
    if (f.i < f.length) {
      const i = f.i++;
      const key = f.keys ? f.keys[i]! : i;
      const child: unknown = f.keys ? (f.node as Record<string, unknown>)[key] : (f.node as unknown[])[i];
      const at = () => [...path, key];
      if (typeof key === 'string') {
        const m = CONTROL.exec(key);
        if (m) return { kind: 'control', at: at(), onKey: true, ch: m[0] };
        if (key.length > MAX_KEY_LENGTH) return { kind: 'longKey', at: at(), length: key.length };
      }
      if (child !== null && typeof child === 'object') {
        const seen = done.get(child);
        if (open.has(child)) return { kind: 'aliases' };
        if (seen) {
          if (frames.length + 1 + seen.below > MAX_NESTING) return { kind: 'deep', at: at() };
          f.below = Math.max(f.below, seen.below + 1);
          f.size += seen.size;
          continue;
        }
        if (frames.length + 1 > MAX_NESTING) return { kind: 'deep', at: at() };
        path.push(key);
        enter(child);
        continue;
      }
      written += 1;
      f.size += 1;
      if (typeof child === 'string') {
        const m = CONTROL.exec(child);
        if (m) return { kind: 'control', at: at(), onKey: false, ch: m[0] };
      }
      continue;
    }
    frames.pop();
    open.delete(f.node);
    done.set(f.node, { below: f.below, size: f.size });
    written += 1;
    const parent = frames[frames.length - 1];
    if (parent) {
      path.pop();
      parent.below = Math.max(parent.below, f.below + 1);
      parent.size += f.size;
    } else if (f.size - written > MAX_ALIAS_EXPANSION) {
      return { kind: 'aliases' };
    }
  }
  return undefined;
}

/** Refusals found in the parsed value, located in the text. */
function refuseValue(text: string, value: unknown): RawYamlError | undefined {
  const found = inspect(value);
  if (!found) return undefined;
  if (found.kind === 'aliases') {
    const pos = new LineIndex(text).linePos(firstOffset(text, (t) => t.type === 'alias') ?? 0);
    return {
      code: 'ALIAS_EXPANSION',
      message: `anchors and aliases expand this document by more than ${MAX_ALIAS_EXPANSION.toLocaleString('en')} values`,
      line: pos.line,
      column: pos.col,
      hint: 'write the values out, or use fewer aliases of aliases: settle documents do not need anchors to be short',
    };
  }
  const onKey = (found.kind === 'control' && found.onKey) || found.kind === 'longKey';
  const span = new Locator(text).locate(found.at, onKey);
  if (found.kind === 'deep') {
    return { ...nestingError(), line: span.line, column: span.column };
  }
  if (found.kind === 'longKey') {
    return {
      code: 'KEY_TOO_LONG',
      message: `this key is ${found.length.toLocaleString('en')} characters long; the limit is ${MAX_KEY_LENGTH}`,
      line: span.line,
      column: span.column,
      hint: 'keys name fields, ids, locales and labels: shorten it (or did a long value lose its indentation and become a key?)',
    };
  }
  return {
    code: 'CONTROL_CHARACTER',
    message: `this ${found.onKey ? 'key' : 'value'} contains the control character ${controlName(found.ch)} (written as an escape)`,
    line: span.line,
    column: span.column,
    hint: 'remove the escape sequence (such as `\\0`, `\\e` or `\\x01`): only tabs and line breaks may be written as escapes',
  };
}

function nestingError(): Omit<RawYamlError, 'line' | 'column'> {
  return {
    code: 'NESTING_TOO_DEEP',
    message: `maps and lists nest more than ${MAX_NESTING} levels deep here`,
    hint: `flatten the structure: a settle document needs about ten levels, and ${MAX_NESTING} is the limit`,
  };
}

/** Deep enough to exhaust a recursive parser: located with the positional parser's CST, walked without recursion. */
function tooDeep(text: string): RawYamlError {
  const pos = new LineIndex(text).linePos(firstOffset(text, (_t, depth) => depth > MAX_NESTING) ?? 0);
  return { ...nestingError(), line: pos.line, column: pos.col };
}

interface CstNode {
  type?: string;
  offset?: number;
  value?: unknown;
  key?: unknown;
  items?: unknown[];
}

const COLLECTIONS = new Set(['block-map', 'block-seq', 'flow-collection']);

/** The smallest offset of a CST token matching `pred` (`depth`: collections enclosing it, its own included). */
function firstOffset(text: string, pred: (t: CstNode, depth: number) => boolean): number | undefined {
  let best: number | undefined;
  const stack: [unknown, number][] = [];
  for (const token of new Parser().parse(text)) stack.push([token, 0]);
  while (stack.length > 0) {
    const [t, outer] = stack.pop()!;
    if (t === null || typeof t !== 'object') continue;
    const node = t as CstNode;
    const depth = node.type !== undefined && COLLECTIONS.has(node.type) ? outer + 1 : outer;
    if (node.type !== undefined && typeof node.offset === 'number' && pred(node, depth)) {
      if (best === undefined || node.offset < best) best = node.offset;
      continue;
    }
    for (const child of [node.value, node.key]) if (child !== undefined) stack.push([child, depth]);
    for (const item of node.items ?? []) stack.push([item, depth]);
  }
  return best;
}
