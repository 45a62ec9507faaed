import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(import.meta.dirname, '..', '..', 'grafana', 'prometheus');

function promtool(...args: string[]): { status: number | null; output: string } {
  const r = spawnSync('promtool', args, { cwd: DIR, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('Prometheus configuration and rules (grafana/prometheus)', () => {
  it('prometheus.yml is a valid configuration', () => {
    const r = promtool('check', 'config', '--syntax-only', 'prometheus.yml');
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });

  it('every rule file passes `promtool check rules`', () => {
    const files = readdirSync(join(DIR, 'rules')).filter((f) => f.endsWith('.yml'));
    expect(files.length).toBeGreaterThanOrEqual(2);
    const r = promtool('check', 'rules', ...files.map((f) => join('rules', f)));
    expect(r.output).not.toContain('FAILED');
    expect(r.status).toBe(0);
  });

  it('the recording rules and alerts pass their `promtool test rules` unit tests', () => {
    const r = promtool('test', 'rules', join('tests', 'rules.test.yml'));
    expect(r.output).toContain('SUCCESS');
    expect(r.status).toBe(0);
  });
});
