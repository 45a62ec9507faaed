/** checkLiquid: what the compiler reports for a template part, and where. */
import { describe, expect, it } from 'vitest';
import { checkLiquid } from '../../src/templates/index.js';
import { scope, scopeWithPay } from './helpers.js';

describe('checkLiquid: variables', () => {
  it('accepts the record, declared attributes and links, and lists the paths used', () => {
    const source =
      'Hello {{ debtor.firstName }}, {{ debt.amountDue | money: debt.currency }} is due {{ debt.dueDate | localdate }}.' +
      '{% if debtor.consent.email and debt.daysPastDue > 10 %}{{ attributes.sector }}{% endif %} {{ links.optOut }}';
    const result = checkLiquid(source, scope);
    expect(result.issues).toEqual([]);
    expect(result.variables).toEqual([
      'attributes.sector',
      'debt.amountDue',
      'debt.currency',
      'debt.daysPastDue',
      'debt.dueDate',
      'debtor.consent.email',
      'debtor.firstName',
      'links.optOut',
    ]);
  });

  it('flags an unknown variable at its offset with a "did you mean" hint', () => {
    const source = 'Hello {{ debtor.fristName }}';
    const { issues, variables } = checkLiquid(source, scope);
    expect(issues).toEqual([
      {
        kind: 'unknown-variable',
        message: 'unknown variable debtor.fristName',
        offset: source.indexOf('debtor.fristName'),
        hint: 'did you mean debtor.firstName?',
      },
    ]);
    expect(variables).toEqual(['debtor.fristName']);
  });

  it.each([
    ['{{ firstName }}', 'debtor.firstName'],
    ['{{ customer.firstName }}', 'debtor.firstName'],
    ['{{ debt.amount }}', 'debt.amountDue'],
    ['{{ attributes.sectr }}', 'attributes.sector'],
    ['{{ debt.email }}', 'debtor.email'],
  ])('suggests for %s', (source, suggestion) => {
    expect(checkLiquid(source, scope).issues[0]?.hint).toBe(`did you mean ${suggestion}?`);
  });

  it('suggests a record field of the same name for an undeclared attribute', () => {
    expect(checkLiquid('{{ attributes.region }}', scope).issues[0]).toMatchObject({
      message: 'unknown variable attributes.region',
      hint: 'did you mean debtor.region?',
    });
  });

  it('does not suggest far-fetched names', () => {
    const [issue] = checkLiquid('{{ x }}', scope).issues;
    expect(issue?.hint).not.toMatch(/did you mean/);
    expect(checkLiquid('{{ attributes.vatNumber }}', scope).issues[0]).toMatchObject({
      message: 'attribute "vatNumber" is not declared',
      hint: 'declare it in journeys/attributes.yaml',
    });
  });

  it('requires paymentLink: true for links.pay', () => {
    const source = 'Pay here: {{ links.pay }}';
    const [issue] = checkLiquid(source, scope).issues;
    expect(issue).toMatchObject({ kind: 'unknown-variable', offset: source.indexOf('links.pay') });
    expect(issue?.hint).toContain('paymentLink: true');
    expect(checkLiquid(source, scopeWithPay)).toEqual({ issues: [], variables: ['links.pay'] });
  });

  it('does not flag what the template assigns, captures or loops over', () => {
    const source = [
      '{% assign name = debtor.firstName | upcase %}{{ name }}',
      '{% capture greeting %}Hi {{ name }}{% endcapture %}{{ greeting }}',
      '{% for i in (1..3) %}{{ i }}{{ forloop.index }}{% endfor %}',
      '{% increment count %}{{ count }}',
      '{% liquid\n  assign total = debt.amountDue | times: 2\n  echo total\n%}',
    ].join('\n');
    expect(checkLiquid(source, scope)).toEqual({ issues: [], variables: ['debt.amountDue', 'debtor.firstName'] });
  });

  it('flags a loop variable used outside its loop', () => {
    const source = '{% for i in (1..3) %}{{ i }}{% endfor %}{{ i }}';
    expect(checkLiquid(source, scope).issues).toMatchObject([
      { kind: 'unknown-variable', offset: source.lastIndexOf('i }}') },
    ]);
  });

  it('treats groups, properties of values and computed paths sensibly', () => {
    expect(checkLiquid('{{ debtor }}', scope).issues[0]?.message).toBe('debtor is a group of fields, not a value');
    expect(checkLiquid('{{ debtor.firstName.size }}', scope)).toEqual({ issues: [], variables: ['debtor.firstName'] });
    expect(checkLiquid('{{ debt.amountDue.cents }}', scope).issues[0]?.message).toBe(
      'debt.amountDue is a double and has no property "cents"',
    );
    expect(checkLiquid('{{ attributes[debtor.id] }}', scope)).toEqual({
      issues: [],
      variables: ['attributes', 'debtor.id'],
    });
  });
});

describe('checkLiquid: syntax and filters', () => {
  it.each([
    ['unclosed tag', 'Hi\n{% if debt.amountDue > 3 %}big', 'Hi\n'.length, /not closed/],
    ['unclosed output', 'Hi {{ debtor.firstName', 3, /not closed/],
    ['unknown tag', 'a\nb {% unless2 x %}', 'a\nb '.length, /not found/],
    ['empty output', 'x {{ }}', 'x {{ '.length, /invalid value/],
    ['dangling operand', '{{ debtor.firstName debtor.lastName }}', 20, /unexpected "debtor.lastName"/],
    ['partial', '{% include "footer" %}', 0, /not supported/],
  ])('reports a %s as syntax with its offset', (_name, source, offset, message) => {
    const issues = checkLiquid(source, scope).issues.filter((i) => i.kind === 'syntax');
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ kind: 'syntax', offset });
    expect(issues[0]?.message).toMatch(message);
    expect(issues[0]?.message).not.toMatch(/line:\d/);
  });

  it('suggests a tag for a misspelt one', () => {
    expect(checkLiquid('{% assing x = 1 %}', scope).issues[0]?.hint).toBe('did you mean {% assign %}?');
  });

  it('reports every unknown filter with its offset and a hint', () => {
    const source =
      '{{ debt.amountDue | monee: debt.currency }} {% assign x = debtor.firstName | upcas %}{{ "a" | zzz }}';
    expect(checkLiquid(source, scope).issues).toEqual([
      {
        kind: 'unknown-filter',
        message: 'unknown filter "monee"',
        offset: source.indexOf('monee'),
        hint: 'did you mean money?',
      },
      {
        kind: 'unknown-filter',
        message: 'unknown filter "upcas"',
        offset: source.indexOf('upcas'),
        hint: 'did you mean upcase?',
      },
      { kind: 'unknown-filter', message: 'unknown filter "zzz"', offset: source.indexOf('zzz') },
    ]);
  });

  it('reports variable and filter problems together, in source order', () => {
    const source = '{{ debtor.nme | shout }} {{ links.pay }}';
    expect(checkLiquid(source, scope).issues.map((i) => [i.kind, i.offset])).toEqual([
      ['unknown-variable', 3],
      ['unknown-filter', source.indexOf('shout')],
      ['unknown-variable', source.indexOf('links.pay')],
    ]);
  });

  it('ignores raw and comment blocks', () => {
    expect(checkLiquid('{% raw %}{{ nope }}{% endraw %}{% comment %}{{ nope }}{% endcomment %}', scope).issues).toEqual(
      [],
    );
  });
});
