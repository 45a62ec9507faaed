/**
 * The `settle validate` door, attacked with hostile files through the real CLI in-process: each row
 * is a project folder holding one hostile entry (or a legal oddity), with the exit status and the
 * diagnostic codes it must give. Every row also checks what must NOT happen: no internal error or
 * stack trace, nothing on stderr, every diagnostic located with a stable code and a fix, output of
 * bounded size, no terminal escape sequence echoed, and nothing written or changed on disk.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SOURCE_BYTES } from '../../src/compiler/sources.js';
import { ROOT, settle } from '../ops/cli.js';

/** A template that compiles on its own (the legal base of most rows). */
const TEMPLATE = [
  'apiVersion: settle/v1',
  'kind: Template',
  'metadata:',
  '  name: hello',
  'spec:',
  '  channel: email',
  '  defaultLocale: en',
  '  locales:',
  '    en:',
  '      subject: "Hello {{ debtor.firstName }}"',
  '      text: "Hi there. Stop: {{ links.optOut }}"',
  '',
].join('\n');

/** The template with `extra` as one more top-level entry (an unknown field unless refused first). */
const withTop = (extra: string) => `${TEMPLATE}${extra}\n`;
/** The template with the subject replaced (the subject is at line 10, column 16). */
const withSubject = (subject: string) => TEMPLATE.replace('"Hello {{ debtor.firstName }}"', subject);

/** The classic "billion laughs": ten levels of nine aliases each, 9^10 values once expanded. */
function billionLaughs(): string {
  const lines = ['x:', '  a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) {
    const prev = String.fromCharCode(96 + i);
    const cur = String.fromCharCode(97 + i);
    lines.push(`  ${cur}: &${cur} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return lines.join('\n');
}

function blockNesting(depth: number): string {
  return Array.from({ length: depth }, (_, i) => `${' '.repeat(i)}k:`).join('\n') + ' 1';
}

let tmp: string;
const servers: Server[] = [];
const isRoot = process.getuid?.() === 0;

interface Row {
  name: string;
  /** Puts the hostile entry (and whatever else the row needs) into the project folder `dir`. */
  make: (dir: string) => void | Promise<void>;
  exit: number;
  /** The codes of the diagnostics, in the order reported (file, line, column). */
  codes: string[];
  /** `file:line:col` of the first diagnostic, relative to the working directory. */
  at?: string;
  /** Arguments after `validate` (default: the project folder `p`). */
  args?: string[];
}

const put = (name: string, text: string | Buffer) => (dir: string) => writeFileSync(join(dir, name), text);

const ROWS: Row[] = [
  // --- the file system -------------------------------------------------------------------------
  {
    name: 'a dangling symbolic link',
    make: (dir) => symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml')),
    exit: 1,
    codes: ['BROKEN_SYMLINK'],
    at: 'p/dangling.yaml:1:1',
  },
  {
    name: 'two links pointing at each other',
    make: (dir) => {
      symlinkSync('b.yaml', join(dir, 'a.yaml'));
      symlinkSync('a.yaml', join(dir, 'b.yaml'));
    },
    exit: 1,
    codes: ['SYMLINK_LOOP', 'SYMLINK_LOOP'],
    at: 'p/a.yaml:1:1',
  },
  {
    name: 'a link to itself',
    make: (dir) => symlinkSync('self.yaml', join(dir, 'self.yaml')),
    exit: 1,
    codes: ['SYMLINK_LOOP'],
  },
  {
    name: 'a link to a folder, named like a source file',
    make: (dir) => {
      mkdirSync(join(dir, '..', 'elsewhere'), { recursive: true });
      symlinkSync(join(dir, '..', 'elsewhere'), join(dir, 'folder.journey.yaml'));
    },
    exit: 1,
    codes: ['NOT_A_FILE'],
  },
  {
    name: 'a FIFO named like a source file (would block a plain read for ever)',
    make: (dir) => execFileSync('mkfifo', [join(dir, 'pipe.journey.yaml')]),
    exit: 1,
    codes: ['NOT_A_FILE'],
    at: 'p/pipe.journey.yaml:1:1',
  },
  {
    name: 'a Unix socket named like a source file',
    make: async (dir) => {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve) => server.listen(join(dir, 'sock.yaml'), resolve));
    },
    exit: 1,
    codes: ['NOT_A_FILE'],
  },
  {
    name: 'a link to a device (/dev/zero never ends)',
    make: (dir) => symlinkSync('/dev/zero', join(dir, 'zero.yaml')),
    exit: 1,
    codes: ['NOT_A_FILE'],
  },
  {
    name: 'a file over the size limit (20 MB, sparse: it is never read)',
    make: (dir) => {
      writeFileSync(join(dir, 'big.template.yaml'), '');
      truncateSync(join(dir, 'big.template.yaml'), 20 * 1024 * 1024);
    },
    exit: 1,
    codes: ['FILE_TOO_LARGE'],
  },
  {
    name: 'a file one byte over the limit',
    make: put('big.template.yaml', padTo(MAX_SOURCE_BYTES + 1)),
    exit: 1,
    codes: ['FILE_TOO_LARGE'],
  },
  {
    name: 'a file exactly at the limit (legal)',
    make: put('big.template.yaml', padTo(MAX_SOURCE_BYTES)),
    exit: 0,
    codes: [],
  },
  {
    name: 'a link to a regular file elsewhere (legal: links to files are followed)',
    make: (dir) => {
      writeFileSync(join(dir, '..', 'real.template.yaml'), TEMPLATE);
      symlinkSync(join(dir, '..', 'real.template.yaml'), join(dir, 'linked.template.yaml'));
    },
    exit: 0,
    codes: [],
  },
  {
    name: 'a folder named like a source file (legal: it is walked)',
    make: (dir) => {
      mkdirSync(join(dir, 'odd.journey.yaml'));
      writeFileSync(join(dir, 'odd.journey.yaml', 't.template.yaml'), TEMPLATE);
    },
    exit: 0,
    codes: [],
  },
  {
    name: isRoot ? 'a file with mode 000 (root reads it: legal)' : 'a file with mode 000',
    make: (dir) => {
      writeFileSync(join(dir, 'locked.template.yaml'), TEMPLATE);
      chmodSync(join(dir, 'locked.template.yaml'), 0o000);
    },
    exit: isRoot ? 0 : 1,
    codes: isRoot ? [] : ['FILE_UNREADABLE'],
  },
  {
    name: 'a dangling link named on the command line (a usage error, exit 2)',
    make: (dir) => symlinkSync('nowhere.yaml', join(dir, 'dangling.yaml')),
    args: ['p/dangling.yaml'],
    exit: 2,
    codes: [],
  },

  // --- encodings and line endings ----------------------------------------------------------------
  {
    name: 'a Latin-1 byte (not UTF-8)',
    make: put('latin.template.yaml', Buffer.from(withSubject('"Caf\u00e9"'), 'latin1')),
    exit: 1,
    codes: ['NOT_UTF8'],
    at: 'p/latin.template.yaml:10:20',
  },
  {
    name: 'an overlong UTF-8 encoding of NUL (0xC0 0x80)',
    make: put('overlong.template.yaml', Buffer.concat([Buffer.from('x: "'), Buffer.from([0xc0, 0x80, 0x22, 0x0a])])),
    exit: 1,
    codes: ['NOT_UTF8'],
    at: 'p/overlong.template.yaml:1:5',
  },
  {
    name: 'a UTF-16 file',
    make: put('utf16.template.yaml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEMPLATE, 'utf16le')])),
    exit: 1,
    codes: ['NOT_UTF8'],
    at: 'p/utf16.template.yaml:1:1',
  },
  { name: 'a UTF-8 byte order mark (legal)', make: put('bom.template.yaml', `\uFEFF${TEMPLATE}`), exit: 0, codes: [] },
  {
    name: 'a byte order mark, then a duplicate key (still located)',
    make: put('bom.template.yaml', `\uFEFF${TEMPLATE.replace('  name: hello', '  name: hello\n  name: again')}`),
    exit: 1,
    codes: ['DUPLICATE_KEY'],
    at: 'p/bom.template.yaml:5:3',
  },
  {
    name: 'mixed CRLF and LF line endings (legal)',
    make: put(
      'mixed.template.yaml',
      TEMPLATE.split('\n')
        .map((l, i) => l + (i % 2 ? '\r\n' : '\n'))
        .join(''),
    ),
    exit: 0,
    codes: [],
  },
  {
    name: 'a tab inside a value (legal)',
    make: put('tab.template.yaml', withSubject('"Hello\tthere"')),
    exit: 0,
    codes: [],
  },

  // --- control characters ------------------------------------------------------------------------
  {
    name: 'a NUL byte in a plain scalar',
    make: put('nul.template.yaml', withSubject('Hello\u0000there')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
    at: 'p/nul.template.yaml:10:21',
  },
  {
    name: 'a NUL byte in a double-quoted scalar',
    make: put('nul.template.yaml', withSubject('"Hello\u0000"')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
    at: 'p/nul.template.yaml:10:22',
  },
  {
    name: 'a terminal escape sequence (OSC, sets the window title)',
    make: put('esc.template.yaml', withSubject('"\u001b]0;pwned\u0007Hello"')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
    at: 'p/esc.template.yaml:10:17',
  },
  {
    name: 'a C1 control (U+009B, a one-character CSI)',
    make: put('c1.template.yaml', withSubject('"\u009b31mHello"')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
  },
  { name: 'DEL', make: put('del.template.yaml', withSubject('Hel\u007flo')), exit: 1, codes: ['CONTROL_CHARACTER'] },
  {
    name: 'NUL written as an escape ("\\0")',
    make: put('esc0.template.yaml', withSubject('"Hello\\0"')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
    at: 'p/esc0.template.yaml:10:16',
  },
  {
    name: 'ESC written as an escape ("\\e[31m")',
    make: put('esce.template.yaml', withSubject('"\\e[31mHello"')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
  },
  {
    name: 'a control character escaped inside a quoted key',
    make: put('key.template.yaml', TEMPLATE.replace('  name: hello', '  name: hello\n  "a\\x01b": 1')),
    exit: 1,
    codes: ['CONTROL_CHARACTER'],
    at: 'p/key.template.yaml:5:3',
  },

  // --- pathological YAML -----------------------------------------------------------------------
  {
    name: '10,000 nested flow lists',
    make: put('deep.template.yaml', withTop(`x: ${'['.repeat(10_000)}${']'.repeat(10_000)}`)),
    exit: 1,
    codes: ['NESTING_TOO_DEEP'],
    at: 'p/deep.template.yaml:12:67',
  },
  {
    name: '1,000 nested block maps',
    make: put('deep.template.yaml', blockNesting(1_000)),
    exit: 1,
    codes: ['NESTING_TOO_DEEP'],
    at: 'p/deep.template.yaml:65:65',
  },
  {
    name: '10,000 nested compact sequences (- - - …)',
    make: put('deep.template.yaml', `${'- '.repeat(10_000)}x\n`),
    exit: 1,
    codes: ['NESTING_TOO_DEEP'],
  },
  {
    name: 'one level over the nesting limit (64)',
    make: put('deep.template.yaml', withTop(`x: ${'['.repeat(64)}${']'.repeat(64)}`)),
    exit: 1,
    codes: ['NESTING_TOO_DEEP'],
  },
  {
    name: 'exactly at the nesting limit (an unknown field, nothing more)',
    make: put('deep.template.yaml', withTop(`x: ${'['.repeat(63)}${']'.repeat(63)}`)),
    exit: 1,
    codes: ['UNKNOWN_FIELD'],
  },
  {
    name: 'nesting past the limit through aliases',
    make: put(
      'deep.template.yaml',
      withTop(
        `x:\n  a: &a ${'['.repeat(40)}${']'.repeat(40)}\n  b: [[[[[[[[[[[[[[[[[[[[[[[[[[[*a]]]]]]]]]]]]]]]]]]]]]]]]]]]`,
      ),
    ),
    exit: 1,
    codes: ['NESTING_TOO_DEEP'],
  },
  {
    name: 'a billion laughs (9^10 values through aliases)',
    make: put('lol.template.yaml', withTop(billionLaughs())),
    exit: 1,
    codes: ['ALIAS_EXPANSION'],
    at: 'p/lol.template.yaml:14:10',
  },
  {
    name: 'an alias of a small map (legal)',
    make: put('alias.template.yaml', `${TEMPLATE.replace('    en:', '    en: &en')}    fr: *en\n`),
    exit: 0,
    codes: [],
  },
  {
    name: 'an alias to no anchor',
    make: put('alias.template.yaml', withSubject('*nowhere')),
    exit: 1,
    codes: ['YAML_SYNTAX'],
  },
  {
    name: 'a 100,000-character plain key',
    make: put('key.template.yaml', TEMPLATE.replace('  name: hello', `  name: hello\n  ${'k'.repeat(100_000)}: 1`)),
    exit: 1,
    codes: ['KEY_TOO_LONG'],
    at: 'p/key.template.yaml:5:3',
  },
  {
    name: 'a 100,000-character quoted key',
    make: put('key.template.yaml', TEMPLATE.replace('  name: hello', `  name: hello\n  "${'k'.repeat(100_000)}": 1`)),
    exit: 1,
    codes: ['KEY_TOO_LONG'],
  },
  {
    name: 'a 900 kB value (under the size limit: compiled, reported as too long or legal, never a crash)',
    make: put('long.template.yaml', withSubject(`"${'y'.repeat(900_000)}"`)),
    exit: 0,
    codes: [],
  },
  {
    name: 'a duplicate key',
    make: put('dup.template.yaml', TEMPLATE.replace('  channel: email', '  channel: email\n  channel: sms')),
    exit: 1,
    codes: ['DUPLICATE_KEY'],
    at: 'p/dup.template.yaml:7:3',
  },
  {
    name: 'two documents in one file',
    make: put('two.template.yaml', `${TEMPLATE}---\n${TEMPLATE}`),
    exit: 1,
    codes: ['MULTIPLE_DOCUMENTS'],
    at: 'p/two.template.yaml:12:1',
  },
  { name: 'an empty file', make: put('empty.template.yaml', ''), exit: 1, codes: ['NOT_A_DOCUMENT'] },
  {
    name: 'a merge key (<<) is a plain key in YAML 1.2: an unknown field',
    make: put('merge.template.yaml', withTop('<<: {x: 1}')),
    exit: 1,
    codes: ['UNKNOWN_FIELD'],
  },
  {
    name: 'an unknown tag (!!js/function) is a mere string, never executed (legal)',
    make: put('tag.template.yaml', withSubject('!!js/function "function () { return 1 }"')),
    exit: 0,
    codes: [],
  },
];

/** The template padded with a comment to exactly `bytes` bytes. */
function padTo(bytes: number): string {
  const head = `${TEMPLATE}# `;
  return `${head}${'x'.repeat(bytes - Buffer.byteLength(head) - 1)}\n`;
}

/** What is on disk under `dir`, links not followed: kind, mode, size, mtime and a hash of each regular file. */
function snapshot(dir: string): string[] {
  const out: string[] = [];
  const visit = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = join(d, name);
      const st = lstatSync(full);
      let line = `${full} ${st.mode.toString(8)} ${st.size} ${st.mtimeMs}`;
      if (st.isDirectory()) visit(full);
      else if (st.isFile() && (st.mode & 0o444) !== 0 && st.size < 2 * MAX_SOURCE_BYTES) {
        line += ` ${createHash('sha256').update(readFileSync(full)).digest('hex')}`;
      }
      out.push(line);
    }
  };
  visit(dir);
  return out;
}

interface Json {
  files: number;
  diagnostics: { file: string; line: number; column: number; code: string; message: string; hint?: string }[];
}

const CODE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;
const STACK = /\n\s+at .+[(:]\d+|internal error|Error:/;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'settle-validate-hostile-'));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('settle validate against hostile files', () => {
  it.each(ROWS.map((row, i) => ({ ...row, i })))(
    '$name → exit $exit $codes',
    async (row) => {
      const cwd = join(tmp, String(row.i));
      const dir = join(cwd, 'p');
      mkdirSync(dir, { recursive: true });
      await row.make(dir);
      const before = snapshot(cwd);
      const args = row.args ?? ['p'];

      const json = await settle(['validate', ...args, '--format', 'json'], {}, cwd);
      const text = await settle(['validate', ...args], {}, cwd);

      expect(json.code).toBe(row.exit);
      expect(text.code).toBe(row.exit);
      for (const r of [json, text]) {
        expect(r.stdout + r.stderr).not.toMatch(STACK);
        // No terminal control sequence from the file reaches the terminal.
        expect(r.stdout + r.stderr).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u007F-\u009F]/);
        // Whatever the file holds, the report stays small (long lines are clipped).
        expect((r.stdout + r.stderr).length).toBeLessThan(20_000);
      }
      if (row.exit === 2) {
        expect(json.stderr).toMatch(/no such file or directory/);
        expect(json.stdout).toBe('');
      } else {
        expect(json.stderr).toBe('');
        expect(text.stderr).toBe('');
        const data = JSON.parse(json.stdout) as Json;
        expect(data.diagnostics.map((d) => d.code)).toEqual(row.codes);
        for (const d of data.diagnostics) {
          expect(d.code).toMatch(CODE);
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
          expect(d.hint?.length).toBeGreaterThan(10);
        }
        if (row.at) {
          const first = data.diagnostics[0]!;
          expect(`${first.file}:${first.line}:${first.column}`).toBe(row.at);
          // The text report leads with the same place and code.
          expect(text.stdout).toContain(`${row.at}  error  ${first.code}  `);
        }
        expect(text.stdout).toMatch(row.exit === 0 ? /^✔ \d+ files? valid/m : /^✖ \d+ errors? in /m);
      }
      expect(snapshot(cwd)).toEqual(before);
    },
    30_000,
  );

  it('a copy of the example project with every file-system hazard: those are reported, the rest is checked as usual', async () => {
    const cwd = join(tmp, 'project');
    const dir = join(cwd, 'journeys');
    cpSync(join(ROOT, 'journeys'), dir, { recursive: true });
    const files = readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith('.yaml')).length;
    symlinkSync('nowhere.yaml', join(dir, 'templates', 'dangling.template.yaml'));
    symlinkSync('loop.yaml', join(dir, 'loop.yaml'));
    execFileSync('mkfifo', [join(dir, 'pipe.journey.yaml')]);
    writeFileSync(join(dir, 'templates', 'nul.template.yaml'), withSubject('"a\u0000b"'));
    const before = snapshot(cwd);

    const r = await settle(['validate', '--format', 'json'], {}, cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const data = JSON.parse(r.stdout) as Json;
    expect(data.files).toBe(files + 4);
    expect(data.diagnostics.map((d) => `${d.file} ${d.code}`)).toEqual([
      'journeys/loop.yaml SYMLINK_LOOP',
      'journeys/pipe.journey.yaml NOT_A_FILE',
      'journeys/templates/dangling.template.yaml BROKEN_SYMLINK',
      'journeys/templates/nul.template.yaml CONTROL_CHARACTER',
    ]);
    expect(snapshot(cwd)).toEqual(before);
  });
});
