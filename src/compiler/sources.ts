/**
 * Finds and reads the YAML sources of a project: files as given, directories recursively. Nothing
 * on disk makes it throw: a file that cannot be read (a dangling or looping link, a folder, a FIFO,
 * a socket or a device where a file should be, no permission, over the size limit, not UTF-8)
 * becomes a SourceFile with no text and the problem, which the compiler reports as a diagnostic.
 */
import { isUtf8 } from 'node:buffer';
import {
  closeSync,
  constants,
  existsSync,
  fstatSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  readSync,
  statSync,
  type Dirent,
  type Stats,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Path as shown in diagnostics (relative to the working directory, forward slashes). */
  path: string;
  text: string;
  /** Set when the file could not be read (`text` is then empty): its one diagnostic, at 1:1. */
  unreadable?: ReadProblem;
}

export interface ReadProblem {
  /** Stable SCREAMING_SNAKE code. */
  code: string;
  message: string;
  hint: string;
  /** Where in the file (1-based); 1:1 when the problem is the file as a whole. */
  line?: number;
  column?: number;
}

/** The largest source file read, in bytes: a journey file is a few kilobytes; anything past this is refused unread. */
export const MAX_SOURCE_BYTES = 1024 * 1024;
export const MAX_SOURCE_SIZE_TEXT = '1 MiB';

const YAML_FILE = /\.ya?ml$/i;

/** The file that marks a project's folder (the Attributes document). */
export const PROJECT_MARKER = 'attributes.yaml';

/**
 * The project a file or folder belongs to: the nearest folder, starting at the file's own folder
 * (a folder: itself) and going up, that holds an `attributes.yaml`; failing that, the file's own
 * folder. A file given on the command line is compiled with the rest of that project, so its
 * references to templates, policies and attributes resolve as they will at deploy time.
 */
export function projectRootFor(path: string): string {
  const abs = resolve(path);
  const start = statOf(abs)?.isDirectory() ? abs : dirname(abs);
  for (let dir = start; ;) {
    if (existsSync(join(dir, PROJECT_MARKER))) return dir;
    const up = dirname(dir);
    if (up === dir) return start;
    dir = up;
  }
}

/** How diagnostics and hints show a path: relative to the working directory, forward slashes. */
export function displayPath(p: string, cwd = process.cwd()): string {
  return display(resolve(cwd, p), cwd);
}

function display(p: string, cwd: string): string {
  const rel = relative(cwd, p);
  return (rel.startsWith('..') ? p : rel).split(sep).join('/');
}

/** `stat` (links followed), or undefined when there is nothing readable there (dangling, looping, no access). */
function statOf(p: string): Stats | undefined {
  try {
    return statSync(p, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/**
 * The entries of a folder, sorted; undefined when it cannot be listed (the caller then lists the
 * folder itself as a source, and reading it reports why). Links to folders are not followed.
 */
function entriesOf(dir: string): Dirent[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return undefined;
  }
}

function walk(dir: string, out: string[]): void {
  const entries = entriesOf(dir);
  if (!entries) {
    out.push(dir);
    return;
  }
  for (const e of entries) {
    if (e.name.startsWith('.') || e.name === 'node_modules') continue;
    const full = join(dir, e.name);
    if (e.isDirectory()) walk(full, out);
    else if (YAML_FILE.test(e.name)) out.push(full);
  }
}

/**
 * The YAML files of the project whose folder is `root`, recursively, without those of nested
 * projects (folders below it holding their own attributes.yaml), which are listed in `nested`.
 */
export function projectSourcePaths(root: string): { files: string[]; nested: string[] } {
  const files: string[] = [];
  const nested: string[] = [];
  const visit = (dir: string) => {
    const entries = entriesOf(dir);
    if (!entries) {
      files.push(dir);
      return;
    }
    for (const e of entries) {
      if (e.name.startsWith('.') || e.name === 'node_modules') continue;
      const full = join(dir, e.name);
      if (!e.isDirectory()) {
        if (YAML_FILE.test(e.name)) files.push(full);
      } else if (existsSync(join(full, PROJECT_MARKER))) nested.push(full);
      else visit(full);
    }
  };
  visit(resolve(root));
  return { files, nested };
}

/** Lists YAML files under the given paths (files are taken as they are, whatever their extension). */
export function listSourcePaths(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    // A link to a folder is walked when named on the command line, but one named like a source
    // file (found by a walk, which does not follow links) stays a file, refused when read.
    if (statOf(p)?.isDirectory() && !(YAML_FILE.test(p) && isLink(p))) walk(p, out);
    else out.push(p);
  }
  return [...new Set(out)];
}

export function readSources(paths: string[], cwd = process.cwd()): SourceFile[] {
  return listSourcePaths(paths).map((p) => {
    const path = display(p, cwd);
    const read = readSource(p);
    return read.problem ? { path, text: read.text ?? '', unreadable: read.problem } : { path, text: read.text };
  });
}

/**
 * Reads one source file as UTF-8, or says why it cannot. Only a regular file is opened for reading
 * (a FIFO would block, a device never end), without blocking, and its size is checked on the open
 * descriptor before anything is read: a file over the limit is never loaded.
 */
export function readSource(p: string): { text: string; problem?: undefined } | { problem: ReadProblem; text?: string } {
  const before = statOf(p);
  if (!before) return { problem: missing(p) };
  if (!before.isFile()) return { problem: notAFile(p, before) };
  if (before.size > MAX_SOURCE_BYTES) return { problem: tooLarge(before.size) };
  let fd: number;
  try {
    fd = openSync(p, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    return { problem: failed(e) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { problem: notAFile(p, st) };
    if (st.size > MAX_SOURCE_BYTES) return { problem: tooLarge(st.size) };
    // Read until the end, never past one byte over the limit (a file that grows after fstat, or
    // one whose size the system does not know, is still caught).
    let buf = Buffer.alloc(Math.min(st.size, MAX_SOURCE_BYTES) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (n > MAX_SOURCE_BYTES) break;
        const bigger = Buffer.alloc(Math.min(buf.length * 2, MAX_SOURCE_BYTES + 1));
        buf.copy(bigger);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_SOURCE_BYTES) return { problem: tooLarge(n) };
    const bytes = buf.subarray(0, n);
    if (!isUtf8(bytes)) return { problem: notUtf8(bytes), text: bytes.toString('utf8') };
    return { text: bytes.toString('utf8') };
  } catch (e) {
    return { problem: failed(e) };
  } finally {
    closeSync(fd);
  }
}

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException | undefined)?.code ?? 'EIO';
}

/** stat found nothing readable: say whether the link dangles or loops. */
function missing(p: string): ReadProblem {
  let link: string | undefined;
  try {
    if (lstatSync(p).isSymbolicLink()) link = readlinkSync(p);
  } catch {
    link = undefined;
  }
  let code = 'ENOENT';
  try {
    statSync(p);
  } catch (e) {
    code = errno(e);
  }
  if (code === 'ELOOP') {
    return {
      code: 'SYMLINK_LOOP',
      message: `this is a symbolic link that leads back to itself (through \`${link ?? '?'}\`)`,
      hint: 'point the link at a real file, or delete it',
    };
  }
  if (code === 'ENOENT' && link !== undefined) {
    return {
      code: 'BROKEN_SYMLINK',
      message: `this is a symbolic link to \`${link}\`, which does not exist`,
      hint: 'point the link at an existing file, or delete it',
    };
  }
  return failed(code);
}

function notAFile(p: string, st: Stats): ReadProblem {
  const what = st.isDirectory()
    ? 'a folder'
    : st.isFIFO()
      ? 'a named pipe (FIFO)'
      : st.isSocket()
        ? 'a socket'
        : st.isCharacterDevice() || st.isBlockDevice()
          ? 'a device'
          : 'not a regular file';
  if (st.isDirectory() && !entriesOf(p)) {
    return {
      code: 'FILE_UNREADABLE',
      message: 'this folder cannot be listed (permission denied or gone)',
      hint: 'give the user running settle permission to list and read it, or move it out of the project',
    };
  }
  const linked = isLink(p) ? ' (through a symbolic link)' : '';
  return {
    code: 'NOT_A_FILE',
    message: `this is ${what}${linked}, not a file: only regular files are read`,
    hint: st.isDirectory()
      ? 'rename it so its name does not end in .yaml or .yml (links to folders are not followed)'
      : 'replace it with a regular YAML file, or move it out of the project',
  };
}

function isLink(p: string): boolean {
  try {
    return lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

function tooLarge(size: number): ReadProblem {
  return {
    code: 'FILE_TOO_LARGE',
    message: `this file is ${(size / (1024 * 1024)).toFixed(1)} MiB; the limit is ${MAX_SOURCE_SIZE_TEXT} per file, and it was not read`,
    hint: 'a journey file is a few kilobytes: split it into several files, or check that it is the file you meant',
  };
}

function failed(e: unknown): ReadProblem {
  const code = typeof e === 'string' ? e : errno(e);
  const why =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'ENOENT'
        ? 'it disappeared while it was being read'
        : code === 'ENXIO'
          ? 'it is not a file that can be opened'
          : `the system refused it (${code})`;
  return {
    code: 'FILE_UNREADABLE',
    message: `this file cannot be read: ${why}`,
    hint: 'give the user running settle permission to read it, or move it out of the project',
  };
}

/** The first byte that is not UTF-8, located (the text is then kept, decoded lossily, for the code frame). */
function notUtf8(bytes: Buffer): ReadProblem {
  const at = firstInvalidUtf8(bytes);
  const lineStart = bytes.lastIndexOf(0x0a, at - 1) + 1;
  const line = bytes.subarray(0, at).reduce((n, b) => (b === 0x0a ? n + 1 : n), 1);
  const column = bytes.toString('utf8', lineStart, at).length + 1;
  const hex = bytes[at]!.toString(16).toUpperCase().padStart(2, '0');
  return {
    code: 'NOT_UTF8',
    message: `this file is not UTF-8: the byte 0x${hex} here is not a UTF-8 character`,
    hint: 'save the file as UTF-8 (an accent in Latin-1 or Windows-1252 looks like this: iconv -f latin1 -t utf-8 converts it)',
    line,
    column,
  };
}

function firstInvalidUtf8(b: Buffer): number {
  for (let i = 0; i < b.length;) {
    const c = b[i]!;
    const len = c < 0x80 ? 1 : c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > b.length) return i;
    for (let k = 1; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    if (len > 1 && !isUtf8(b.subarray(i, i + len))) return i;
    i += len;
  }
  return 0;
}
