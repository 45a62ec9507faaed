/**
 * Nothing in the repository may point outside it: no sibling folder of the repository, no design note
 * that is not part of the repository, and no relative Markdown link that leaves the repository or
 * names a file (or heading) that does not exist. The facts those notes held live under docs/.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '..', '..');

/** What is scanned: the folders and files people read or that ship. */
const SCANNED = [
  'README.md',
  'docs',
  'src',
  'scripts',
  'bench',
  'test',
  'workers',
  'eslint.config.js',
  '.github',
  'journeys',
  'examples',
  'grafana',
];
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.tools', '.settle', 'dist', 'test-artifacts']);
const TEXT_EXTENSIONS = new Set(['.md', '.ts', '.js', '.mjs', '.json', '.yaml', '.yml', '.sh', '.csv', '.html', '']);

// Spelled in pieces so that this file does not match its own patterns.
const NOTES = ['DESIGN', 'STYLE', 'TOOLCHAIN', 'TEMPORAL-NOTES'];
const FORBIDDEN: { name: string; pattern: RegExp }[] = [
  { name: 'a sibling folder', pattern: new RegExp(['\\.\\.', 'shared'].join('/')) },
  ...NOTES.map((n) => ({ name: `${n}.md`, pattern: new RegExp(`\\b${n}\\.md\\b`) })),
  { name: 'a section of the design note', pattern: new RegExp(`\\b${NOTES[0]} §`) },
];

function files(path: string, out: string[] = []): string[] {
  const full = join(root, path);
  if (!existsSync(full)) return out;
  if (statSync(full).isFile()) {
    if (TEXT_EXTENSIONS.has(extname(full))) out.push(full);
    return out;
  }
  for (const e of readdirSync(full, { withFileTypes: true })) {
    if (e.isDirectory() && SKIPPED_DIRS.has(e.name)) continue;
    files(join(path, e.name), out);
  }
  return out;
}

const scanned = SCANNED.flatMap((p) => files(p));
const rel = (f: string) => relative(root, f).split(sep).join('/');

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const line of withoutCode(markdown).split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Fenced code blocks and inline code spans blanked out (links there are examples, not links). */
function withoutCode(markdown: string): string {
  return markdown
    .replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, (block) => block.replace(/[^\n]/g, ' '))
    .replace(/`[^`\n]*`/g, (span) => ' '.repeat(span.length));
}

function lineOf(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

/** Relative link targets of a Markdown file that leave the repository or do not exist. */
function brokenLinks(file: string, text: string): string[] {
  const out: string[] = [];
  const body = withoutCode(text);
  const link = /\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g;
  for (let m = link.exec(body); m; m = link.exec(body)) {
    const target = m[1]!;
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:…
    const [pathPart, anchor] = target.split('#', 2) as [string, string | undefined];
    const where = `${rel(file)}:${lineOf(body, m.index)}`;
    const resolved = pathPart === '' ? file : resolve(dirname(file), decodeURI(pathPart));
    if (resolved !== root && !resolved.startsWith(root + sep)) {
      out.push(`${where}: ${target} leaves the repository`);
      continue;
    }
    if (!existsSync(resolved)) {
      out.push(`${where}: ${target} does not exist`);
      continue;
    }
    if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md')) {
      if (!anchorsOf(readFileSync(resolved, 'utf8')).has(anchor)) out.push(`${where}: ${target} has no such heading`);
    }
  }
  return out;
}

describe('references stay inside the repository', () => {
  it('scans the tree', () => {
    expect(scanned.length).toBeGreaterThan(100);
    expect(scanned.map(rel)).toContain('README.md');
  });

  it('names no file outside it (sibling folders, design notes)', () => {
    const found: string[] = [];
    for (const file of scanned) {
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.forEach((line, i) => {
        for (const { name, pattern } of FORBIDDEN) {
          if (pattern.test(line)) found.push(`${rel(file)}:${i + 1}: ${name}: ${line.trim().slice(0, 120)}`);
        }
      });
    }
    expect(found, `references to files outside the repository:\n${found.join('\n')}`).toEqual([]);
  });

  it('has no relative Markdown link that leaves it or points at nothing', () => {
    const found = scanned.filter((f) => f.endsWith('.md')).flatMap((f) => brokenLinks(f, readFileSync(f, 'utf8')));
    expect(found, `broken links:\n${found.join('\n')}`).toEqual([]);
  });

  it('points comments at docs/ files and headings that exist', () => {
    const found: string[] = [];
    const mention = /\bdocs\/([\w.-]+\.md)(?:#([\w-]+))?/g;
    for (const file of scanned) {
      if (file.endsWith('.md')) continue; // Markdown links are checked above
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(mention)) {
        const target = join(root, 'docs', m[1]!);
        const where = `${rel(file)}:${lineOf(text, m.index)}: ${m[0]}`;
        if (!existsSync(target)) found.push(`${where} does not exist`);
        else if (m[2] && !anchorsOf(readFileSync(target, 'utf8')).has(m[2])) found.push(`${where} has no such heading`);
      }
    }
    expect(found, `dangling pointers:\n${found.join('\n')}`).toEqual([]);
  });

  it('catches what it is meant to catch', () => {
    const readme = join(root, 'README.md');
    expect(brokenLinks(readme, `[x](${['..', 'shared', 'X.md'].join('/')})`)).toHaveLength(1);
    expect(brokenLinks(readme, `[x](${'docs'}/nope.md)`)).toHaveLength(1);
    expect(brokenLinks(readme, `[x](${'docs'}/ARCHITECTURE.md#no-such-heading)`)).toHaveLength(1);
    expect(
      brokenLinks(readme, '[x](docs/ARCHITECTURE.md#three-zones-one-layer-order) [y](https://example.com)'),
    ).toEqual([]);
    expect(brokenLinks(readme, '`[x](../../outside)`')).toEqual([]);
    expect(FORBIDDEN.some(({ pattern }) => pattern.test(`see ${NOTES[1]}.md 8`))).toBe(true);
    expect(slug('The debtor contact ledger')).toBe('the-debtor-contact-ledger');
    expect(slug('`settle validate [PATH...] [--format text|json]`')).toBe('settle-validate-path---format-textjson');
  });
});
