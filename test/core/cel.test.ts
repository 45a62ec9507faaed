import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  CelCompileError,
  CelEvaluationError,
  celInput,
  checkCel,
  compileCel,
  ENGAGEMENT_EVENTS,
  evaluateBool,
  evaluateCel,
  evaluateTimestamp,
  referencedAttributes,
  type AttributeTypes,
  type CelInputOptions,
  type CelRecord,
} from '../../src/core/cel/index.js';
import type { EnrollmentRecord } from '../../src/dsl/enrollment.js';

const ATTRIBUTES: AttributeTypes = {
  sector: 'string',
  paymentHistory: 'string',
  openInvoices: 'int',
  riskScore: 'double',
  vip: 'bool',
  lastPaymentAt: 'timestamp',
};

const RECORD: CelRecord = {
  debtId: 'inv-1001',
  debtor: { id: 'c-42', firstName: 'Ana', locale: 'fr', timezone: 'Europe/Paris', consent: { email: true } },
  debt: { reference: 'INV-1001', amountDue: 1250.5, currency: 'EUR', dueDate: '2026-03-20', issuedAt: '2026-02-18' },
  attributes: {
    sector: 'retail',
    openInvoices: 3,
    riskScore: 0.72,
    vip: false,
    lastPaymentAt: '2026-01-05',
    unused: 'x',
  },
};

function input(nowIso: string, options: Partial<CelInputOptions> = {}, record: CelRecord = RECORD) {
  return celInput(record, {
    nowMs: Date.parse(nowIso),
    timezone: 'Europe/Paris',
    attributeTypes: ATTRIBUTES,
    ...options,
  });
}

function bool(source: string, nowIso: string, options: Partial<CelInputOptions> = {}, record?: CelRecord): boolean {
  return evaluateBool(compileCel(source, ATTRIBUTES), input(nowIso, options, record));
}

describe('checkCel: accepted expressions', () => {
  it.each([
    'debt.amountDue > 1000.0',
    'debt.daysPastDue >= 1 && debt.daysPastDue <= 30 && debt.amountDue < 5000.0',
    'engagement.opened > 0 && engagement.paid == 0',
    'now > debt.dueDate + duration("72h")',
    'has(debtor.email) && debtor.email.endsWith("@example.com")',
    'debtor.?locale.orValue("en") == "fr"',
    'debtor.consent.email == true',
    'attributes.sector == "retail" && attributes.openInvoices > 2 && !attributes.vip',
    'attributes.riskScore >= 0.5 || now - attributes.lastPaymentAt > duration("720h")',
    'debt.currency in ["EUR", "USD"]',
  ])('%s', (source) => {
    expect(checkCel(source, ATTRIBUTES, 'bool')).toMatchObject({ ok: true, type: 'bool' });
  });

  it('accepts an int literal compared with a double (cel-js orders int and double together)', () => {
    expect(checkCel('debt.amountDue > 1000', ATTRIBUTES, 'bool')).toMatchObject({ ok: true });
    expect(checkCel('debt.amountDue <= 50 && debt.daysPastDue > 1.5', ATTRIBUTES, 'bool')).toMatchObject({ ok: true });
  });

  it('types a wait-until expression as a timestamp', () => {
    expect(checkCel("debt.dueDate + duration('72h')", ATTRIBUTES, 'timestamp')).toEqual({
      ok: true,
      type: 'timestamp',
      attributesUsed: [],
    });
  });

  it('lists the attributes an expression reads', () => {
    const check = checkCel('has(attributes.vip) && attributes["sector"] == "retail"', ATTRIBUTES, 'bool');
    expect(check).toEqual({ ok: true, type: 'bool', attributesUsed: ['sector', 'vip'] });
  });
});

describe('checkCel: type errors', () => {
  it('rejects an unknown field with a did-you-mean hint and its offset', () => {
    expect(checkCel('debt.amountDu > 3.0', ATTRIBUTES, 'bool')).toEqual({
      ok: false,
      kind: 'type',
      message: '`debt` has no field `amountDu`',
      offset: 5,
      hint: 'did you mean debt.amountDue?',
    });
  });

  it('suggests across case and swapped letters', () => {
    expect(checkCel('debt.duedate < now', ATTRIBUTES, 'bool')).toMatchObject({ hint: 'did you mean debt.dueDate?' });
    expect(checkCel('debtor.emial == "a"', ATTRIBUTES, 'bool')).toMatchObject({ hint: 'did you mean debtor.email?' });
    expect(checkCel('engagement.opend > 0', ATTRIBUTES, 'bool')).toMatchObject({
      offset: 11,
      hint: 'did you mean engagement.opened?',
    });
    expect(checkCel('debtor.consent.sm', ATTRIBUTES, 'bool')).toMatchObject({
      hint: 'did you mean debtor.consent.sms?',
    });
  });

  it('lists the fields when nothing is close', () => {
    const check = checkCel('debtor.consent.whatsapp', ATTRIBUTES, 'bool');
    expect(check).toMatchObject({ ok: false, kind: 'type', hint: 'debtor.consent has: email, sms' });
  });

  it('rejects an undeclared attribute', () => {
    expect(checkCel('attributes.segment == "a"', ATTRIBUTES, 'bool')).toEqual({
      ok: false,
      kind: 'type',
      message: 'attribute `segment` is not declared',
      offset: 11,
      hint: 'declare it in journeys/attributes.yaml (kind: Attributes), e.g. segment: string',
    });
    expect(checkCel('attributes.sectr == "a"', ATTRIBUTES, 'bool')).toMatchObject({
      hint: 'did you mean attributes.sector?',
    });
    expect(checkCel('attributes.sector == "a"', {}, 'bool')).toMatchObject({ ok: false, kind: 'type' });
  });

  it('rejects comparing a double with a string, pointing at the operator', () => {
    const check = checkCel('debt.amountDue > "x"', ATTRIBUTES, 'bool');
    expect(check).toMatchObject({
      ok: false,
      kind: 'type',
      message: 'cannot compare a double with a string using `>`',
      offset: 15,
    });
  });

  it('rejects == and arithmetic mixing int and double, with a hint to write 1000.0', () => {
    const check = checkCel('debt.amountDue == 1000', ATTRIBUTES, 'bool');
    expect(check).toMatchObject({ ok: false, kind: 'type', message: 'cannot compare a double with an int using `==`' });
    expect(check.ok ? '' : check.hint).toContain('1000.0');
    expect(checkCel('debt.amountDue * 2 > 100.0', ATTRIBUTES, 'bool')).toMatchObject({ ok: false, kind: 'type' });
  });

  it('rejects unknown names with a hint to the right object', () => {
    expect(checkCel('amountDue > 3.0', ATTRIBUTES, 'bool')).toMatchObject({
      kind: 'type',
      message: 'unknown name `amountDue`',
      offset: 0,
      hint: 'did you mean debt.amountDue?',
    });
    expect(checkCel('debts.amountDue > 3.0', ATTRIBUTES, 'bool')).toMatchObject({ hint: 'did you mean debt?' });
    expect(checkCel('customer.id == "x"', ATTRIBUTES, 'bool')).toMatchObject({
      hint: 'expressions can use debtor, debt, attributes, engagement, now',
    });
  });

  it('rejects a result of the wrong type, saying what was expected', () => {
    const asBool = checkCel('debt.amountDue', ATTRIBUTES, 'bool');
    expect(asBool).toMatchObject({ ok: false, kind: 'type' });
    expect(asBool.ok ? '' : asBool.message).toBe(
      'this expression must give a bool (true or false), but it is a double',
    );
    const asTimestamp = checkCel('debt.daysPastDue > 3', ATTRIBUTES, 'timestamp');
    expect(asTimestamp.ok ? '' : asTimestamp.message).toBe('this expression must give a timestamp, but it is a bool');
  });

  it("rejects CEL durations cel-js would only refuse at run time, like duration('3d')", () => {
    const check = checkCel("debt.dueDate + duration('3d')", ATTRIBUTES, 'timestamp');
    expect(check).toMatchObject({ ok: false, kind: 'type', message: '`3d` is not a CEL duration', offset: 24 });
    expect(check.ok ? '' : check.hint).toContain("duration('72h')");
    expect(checkCel('now > timestamp("2026-01-01")', ATTRIBUTES, 'bool')).toMatchObject({
      ok: false,
      kind: 'type',
      offset: 16,
    });
  });

  it('rejects field access on a timestamp (cel-js types it as dyn)', () => {
    expect(checkCel('now.year > 2025', ATTRIBUTES, 'bool')).toMatchObject({
      ok: false,
      kind: 'type',
      message: '`now` is a timestamp and has no field `year`',
      offset: 4,
    });
  });

  it('rejects timestamps compared with numbers', () => {
    const check = checkCel('debt.dueDate > 3', ATTRIBUTES, 'bool');
    expect(check).toMatchObject({ ok: false, kind: 'type', offset: 13 });
    expect(check.ok ? '' : check.hint).toContain('debt.daysPastDue');
  });

  it('rejects non-bool operands of && and points at them', () => {
    expect(checkCel('debt.amountDue > 1.0 && debt.reference', ATTRIBUTES, 'bool')).toMatchObject({
      ok: false,
      kind: 'type',
      message: '`&&` and `||` need true/false operands, got a string',
      offset: 24,
    });
  });
});

describe('checkCel: syntax errors', () => {
  it('reports an expression that ends too early at its end', () => {
    expect(checkCel('debt.amountDue > 300 &&', ATTRIBUTES, 'bool')).toMatchObject({
      ok: false,
      kind: 'syntax',
      message: 'the expression ends too early, after `&&`',
      offset: 23,
    });
  });

  it.each([
    ['debt.amountDue > 1.0 and now > debt.dueDate', 21, 'unexpected `and`', "write && for 'and'"],
    ['debt.amountDue > 1.0 or engagement.paid > 0', 21, 'unexpected `or`', "write || for 'or'"],
    [
      'debtor.country = "FR"',
      15,
      'unexpected `=`',
      'to compare values write == (or !=, <=, >=); a single = is not CEL',
    ],
    ['not has(debtor.email)', 4, 'unexpected `has`', "write ! for 'not', e.g. !has(debtor.email)"],
    ['debt.amountDue > 1.0)', 20, 'unexpected `)`', "this ')' has no matching '('"],
    ['(debt.amountDue > 1.0', 21, 'expected `)` before the end of the expression', "a closing ')' is missing"],
    ['debtor.country == "FR', 18, 'a string is not closed', 'add the closing quote'],
  ])('%s → offset %d', (source, offset, message, hint) => {
    expect(checkCel(source, ATTRIBUTES, 'bool')).toEqual({ ok: false, kind: 'syntax', message, offset, hint });
  });

  it('reports an empty expression', () => {
    expect(checkCel('', ATTRIBUTES, 'bool')).toMatchObject({
      ok: false,
      kind: 'syntax',
      message: 'the expression is empty',
    });
  });
});

describe('referencedAttributes', () => {
  it('finds attributes in selections, indexes, has() and macros', () => {
    expect(
      referencedAttributes(
        'has(attributes.vip) && attributes["sector"] == "x" && [1].exists(n, attributes.openInvoices > n) && attributes.vip',
      ),
    ).toEqual(['openInvoices', 'sector', 'vip']);
  });

  it('ignores other objects and unparsable text', () => {
    expect(referencedAttributes('debt.amountDue > 1.0')).toEqual([]);
    expect(referencedAttributes('attributes.x >')).toEqual([]);
  });
});

describe('compileCel', () => {
  it('throws CelCompileError carrying the check failure', () => {
    try {
      compileCel('debt.amountDu > 1.0', ATTRIBUTES);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CelCompileError);
      expect((err as CelCompileError).failure).toMatchObject({ kind: 'type', hint: 'did you mean debt.amountDue?' });
      expect((err as CelCompileError).message).toContain('`debt` has no field `amountDu`');
    }
  });

  it('records the result type and attributes used', () => {
    const compiled = compileCel('attributes.openInvoices > 2', ATTRIBUTES);
    expect(compiled).toMatchObject({ type: 'bool', attributesUsed: ['openInvoices'] });
  });
});

describe('celInput and evaluation', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('builds typed values: ints as BigInt, dates at local midnight, engagement counts defaulting to 0', () => {
    const value = input('2026-04-02T10:00:00Z', { engagement: { opened: 2, clicked: 1 } });
    expect(value.debt['dueDate']).toEqual(new Date('2026-03-19T23:00:00Z'));
    expect(value.debt['issuedAt']).toEqual(new Date('2026-02-17T23:00:00Z'));
    expect(value.debt['daysPastDue']).toBe(13n);
    expect(value.attributes).toEqual({
      sector: 'retail',
      openInvoices: 3n,
      riskScore: 0.72,
      vip: false,
      lastPaymentAt: new Date('2026-01-04T23:00:00Z'),
    });
    expect(Object.keys(value.engagement)).toEqual([...ENGAGEMENT_EVENTS]);
    expect(value.engagement.opened).toBe(2n);
    expect(value.engagement.paid).toBe(0n);
    expect(value.now).toEqual(new Date('2026-04-02T10:00:00Z'));
  });

  it('evaluates conditions over the record', () => {
    const now = '2026-04-02T10:00:00Z';
    expect(bool('debt.amountDue > 1000', now)).toBe(true);
    expect(bool('debt.amountDue > 1250.5', now)).toBe(false);
    expect(bool('debt.amountDue >= 1250', now)).toBe(true);
    expect(bool('debt.daysPastDue == 13 && debt.daysPastDue > 12.5', now)).toBe(true);
    expect(bool('debtor.consent.email && !has(debtor.consent.sms)', now)).toBe(true);
    expect(bool('debt.issuedAt < debt.dueDate', now)).toBe(true);
  });

  it('computes daysPastDue in Europe/Paris across the March daylight-saving change', () => {
    const record = { ...RECORD, debt: { ...RECORD.debt, dueDate: '2026-03-28' } };
    const days = compileCel('debt.daysPastDue', ATTRIBUTES);
    const at = (iso: string) => evaluateCel(days, input(iso, {}, record));
    // 00:30 on 30 March in Paris is only 47.5 hours after midnight on the 28th (29 March has 23 h).
    expect(at('2026-03-29T22:30:00Z')).toBe(2n);
    expect(at('2026-03-29T21:59:59Z')).toBe(1n);
    expect(at('2026-03-27T22:59:59Z')).toBe(-1n);
    expect(at('2026-03-27T23:00:00Z')).toBe(0n);
  });

  it('computes daysPastDue in America/Los_Angeles across the March daylight-saving change', () => {
    const record = { ...RECORD, debt: { ...RECORD.debt, dueDate: '2026-03-07' } };
    const days = compileCel('debt.daysPastDue', ATTRIBUTES);
    const at = (iso: string) => evaluateCel(days, input(iso, { timezone: 'America/Los_Angeles' }, record));
    // Los Angeles springs forward on 8 March: 00:30 on the 9th is 47.5 hours after the 7th began.
    expect(at('2026-03-09T07:30:00Z')).toBe(2n);
    expect(at('2026-03-09T06:59:59Z')).toBe(1n);
    expect(at('2026-03-07T07:59:59Z')).toBe(-1n);
    expect(at('2026-03-07T08:00:00Z')).toBe(0n);
  });

  it('reads the due date at midnight in the zone it is given', () => {
    const due = compileCel('debt.dueDate', ATTRIBUTES);
    expect(evaluateCel(due, input('2026-04-02T10:00:00Z', { timezone: 'America/Los_Angeles' }))).toEqual(
      new Date('2026-03-20T07:00:00Z'),
    );
    // Same instant, two zones: already the due date in Paris, still the day before in Los Angeles.
    const now = '2026-03-19T23:30:00Z';
    expect(bool('debt.daysPastDue == 0', now)).toBe(true);
    expect(bool('debt.daysPastDue == -1', now, { timezone: 'America/Los_Angeles' })).toBe(true);
  });

  it("evaluates debt.dueDate + duration('72h') as an absolute instant", () => {
    const until = compileCel("debt.dueDate + duration('72h')", ATTRIBUTES);
    const record = { ...RECORD, debt: { ...RECORD.debt, dueDate: '2026-03-27' } };
    // Midnight on 27 March in Paris + 72 h crosses the change: 01:00 local on the 30th.
    expect(new Date(evaluateTimestamp(until, input('2026-03-01T00:00:00Z', {}, record))).toISOString()).toBe(
      '2026-03-29T23:00:00.000Z',
    );
    expect(bool("now > debt.dueDate + duration('72h')", '2026-03-29T23:00:01Z', {}, record)).toBe(true);
    expect(bool("now > debt.dueDate + duration('72h')", '2026-03-29T22:59:59Z', {}, record)).toBe(false);
  });

  it('counts engagement events, missing ones as 0', () => {
    const now = '2026-04-02T10:00:00Z';
    expect(bool('engagement.opened > 0', now)).toBe(false);
    expect(bool('engagement.opened > 0', now, { engagement: { opened: 1 } })).toBe(true);
    expect(bool('engagement.clicked == 2 && engagement.bounced == 0', now, { engagement: { clicked: 2 } })).toBe(true);
    expect(() => input(now, { engagement: { opened: -1 } })).toThrow(CelEvaluationError);
  });

  it('types attributes as declared', () => {
    const now = '2026-04-02T10:00:00Z';
    expect(bool('attributes.openInvoices > 2 && attributes.openInvoices + 1 == 4', now)).toBe(true);
    expect(bool('attributes.riskScore > 0.7', now)).toBe(true);
    expect(bool('!attributes.vip && attributes.sector == "retail"', now)).toBe(true);
    expect(bool("attributes.lastPaymentAt + duration('1h') < now", now)).toBe(true);
    expect(bool('has(attributes.paymentHistory)', now)).toBe(false);
  });

  it('rejects record values that do not match the declared type', () => {
    const bad = { ...RECORD, attributes: { openInvoices: 2.5 } };
    expect(() => input('2026-04-02T10:00:00Z', {}, bad)).toThrow(
      new CelEvaluationError('attributes.openInvoices must be a whole number, got 2.5', { code: 'invalid_input' }),
    );
    const badDate = { ...RECORD, debt: { ...RECORD.debt, dueDate: '20 March' } };
    expect(() => input('2026-04-02T10:00:00Z', {}, badDate)).toThrow(/debt.dueDate must be a date/);
    expect(() => input('2026-04-02T10:00:00Z', { timezone: 'Mars/Olympus_Mons' })).toThrow(/unknown time zone/);
  });

  it('leaves absent optional fields absent: has() is false, reading them fails clearly', () => {
    const now = '2026-04-02T10:00:00Z';
    expect(bool('has(debtor.email)', now)).toBe(false);
    expect(bool('has(debtor.email) && debtor.email.endsWith(".fr")', now)).toBe(false);
    expect(bool('debtor.?email.orValue("none") == "none"', now)).toBe(true);
    expect(bool('has(debtor.consent.email)', now, {}, { ...RECORD, debtor: { id: 'c', firstName: 'A' } })).toBe(false);
    try {
      bool('debtor.email == "a@b.fr"', now);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(CelEvaluationError);
      expect(err).toMatchObject({ code: 'no_such_key', offset: 7, source: 'debtor.email == "a@b.fr"' });
      expect((err as Error).message).toBe(
        'debtor.email is not set in this enrollment record (test it first with has(debtor.email)) (in "debtor.email == \\"a@b.fr\\"")',
      );
    }
  });

  it('checks result types at run time', () => {
    const value = input('2026-04-02T10:00:00Z');
    expect(() => evaluateBool(compileCel('debt.amountDue', ATTRIBUTES), value)).toThrow(
      /expected true or false but the expression gave the double 1250.5/,
    );
    expect(() => evaluateTimestamp(compileCel('debt.daysPastDue > 1', ATTRIBUTES), value)).toThrow(
      /expected a timestamp but the expression gave true/,
    );
  });

  it('reports run-time failures as CelEvaluationError', () => {
    expect(() => bool('10 / (debt.daysPastDue - 13) > 1', '2026-04-02T10:00:00Z')).toThrow(
      expect.objectContaining({ name: 'CelEvaluationError', code: 'division_by_zero' }),
    );
  });

  it('never reads the clock', () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date('2031-01-01T00:00:00Z'));
    const value = input('2026-04-02T10:00:00Z');
    expect(evaluateTimestamp(compileCel('now', ATTRIBUTES), value)).toBe(Date.parse('2026-04-02T10:00:00Z'));
    expect(value.debt['daysPastDue']).toBe(13n);
  });

  it('accepts an enrollment record as the DSL types it', () => {
    const record: EnrollmentRecord = {
      debtId: 'd-1',
      debtor: { id: 'x', firstName: 'Bo' },
      debt: { reference: 'R-1', amountDue: 10, currency: 'EUR', dueDate: '2026-03-01' },
    };
    expect(
      evaluateBool(
        compileCel('debt.amountDue < 20', {}),
        celInput(record, { nowMs: 0, timezone: 'UTC', attributeTypes: {} }),
      ),
    ).toBe(true);
  });
});
