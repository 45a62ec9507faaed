/** What the enrollment and routing tests share: the example portfolio's records and a minimal record to route. */
import { join } from 'node:path';
import type { CompileResult } from '../../src/compiler/index.js';
import { readPortfolio } from '../../src/enrollment/read.js';
import type { EnrollmentData } from '../../src/ir/index.js';
import { declaredAttributes } from '../../src/project/project.js';
import { ROOT } from '../support/journeys.js';

/** The records of examples/portfolio.csv by debt id, read with the project's declared attributes. */
export async function examplePortfolio(r: Pick<CompileResult, 'project'>): Promise<Map<string, EnrollmentData>> {
  const out = new Map<string, EnrollmentData>();
  for await (const row of readPortfolio(join(ROOT, 'examples', 'portfolio.csv'), declaredAttributes(r.project))) {
    const rec = row.record as EnrollmentData;
    out.set(rec.debtId, rec);
  }
  return out;
}

/** Debt D-1 of debtor C-1 (100 EUR), due `dueDate`, with a payment history (default late) and these contact facts. */
export function routingRecord(over: {
  timezone?: string;
  country?: string;
  email?: string;
  dueDate: string;
  paymentHistory?: string;
}): EnrollmentData {
  return {
    debtId: 'D-1',
    debtor: {
      id: 'C-1',
      firstName: 'A',
      ...(over.timezone !== undefined && { timezone: over.timezone }),
      ...(over.country !== undefined && { country: over.country }),
      ...(over.email !== undefined && { email: over.email }),
    },
    debt: { reference: 'R', amountDue: 100, currency: 'EUR', dueDate: over.dueDate },
    attributes: { paymentHistory: over.paymentHistory ?? 'late' },
  };
}
