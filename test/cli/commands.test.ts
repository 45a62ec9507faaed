/** The command line itself: help, version, suggestions and exit codes (commander, in-process). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMANDS, parseCommand, type CommandName, type CommandSpec } from '../../src/cli/spec.js';
import { ROOT, settle } from './helpers.js';

describe('settle command line', () => {
  it('--version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const r = await settle(['--version']);
    expect(r).toEqual({ code: 0, stdout: `${version}\n`, stderr: '' });
  });

  it('--help lists every command and says how to get more', async () => {
    const r = await settle(['--help']);
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toMatch(new RegExp(`^ {2}${name} `, 'm'));
    expect(r.stdout).toContain('settle <command> --help');
    expect(r.stdout).toContain('settle --version');
  });

  it('without a command prints the help on stderr and exits 2', async () => {
    const r = await settle([]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('Usage: settle [options] [command]');
  });

  it.each(Object.entries(COMMANDS) as [CommandName, CommandSpec][])(
    'settle %s --help lists every option with its default and allowed values',
    async (name, spec) => {
      const r = await settle([name, '--help']);
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`Usage: settle ${name} `);
      for (const o of spec.options) {
        const text = r.stdout.replace(/\s+/g, ' ');
        expect(text).toContain(o.flags);
        if (o.default !== undefined) expect(text).toContain(`default: "${o.default}"`);
        if (o.choices) expect(text).toContain(`choices: ${o.choices.map((c) => `"${c}"`).join(', ')}`);
      }
      expect(await settle(['help', name])).toEqual(r);
    },
  );

  it('an unknown command exits 2 with a suggestion on stderr', async () => {
    const r = await settle(['valdate']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown command 'valdate'");
    expect(r.stderr).toContain('Did you mean validate?');
  });

  it('an unknown option exits 2 with a suggestion and the usage', async () => {
    const r = await settle(['plan', 'soft-collection', '--fromat', 'json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown option '--fromat'");
    expect(r.stderr).toContain('Did you mean --format?');
    expect(r.stderr).toContain('Usage: settle plan [options] <journey>');
  });

  it('a value outside the allowed ones, or a missing argument, exits 2', async () => {
    const bad = await settle(['plan', 'soft-collection', '--format', 'svg']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--format must be one of text, mermaid, json');
    const missing = await settle(['render', '--data', 'examples/records/anna-rossi.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("missing required argument 'template'");
    expect((await settle(['config', 'check', '--for', 'robot'])).code).toBe(2);
  });

  it("a command's own usage error exits 2 with its usage line", async () => {
    const r = await settle(['diff', '--base', 'HEAD', 'a', 'b']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'settle diff: give either --base REF or two paths, not both\nUsage: settle diff [options] [old] [new]\n',
    );
  });
});

describe('parseCommand', () => {
  it('applies the defaults of the table and names options in camelCase', () => {
    const r = parseCommand<Record<string, unknown>>('dev', ['--no-ui', '--time-scale', '10']);
    expect(r).toEqual({
      args: [],
      opts: { ui: false, timeScale: '10', debts: '300', seed: '42', dir: 'journeys', stateDir: '.settle' },
    });
  });

  it('collects a repeatable option in order', () => {
    const r = parseCommand<{ cost?: string[] }>('simulate', ['--cost', 'sms=0.01', 'j', '--cost', 'email=0']);
    expect(r.args).toEqual(['j']);
    expect(r.opts.cost).toEqual(['sms=0.01', 'email=0']);
  });

  it('throws a UsageError instead of printing or exiting', () => {
    expect(() => parseCommand('worker', ['--max-cached'])).toThrow(/unknown option '--max-cached'/);
    expect(() => parseCommand('validate', ['--format', 'xml'])).toThrow(/--format must be one of text, json/);
  });
});
