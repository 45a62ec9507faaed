/**
 * The typed shape of an enrollment record as expressions and templates see it. Workflow-safe
 * plain data: the CEL type environment (compile time and run time), the Liquid variable check
 * and the enrollment JSON Schema (src/dsl/enrollment.ts) are all derived from this one table.
 */
export type FieldType = 'string' | 'int' | 'double' | 'bool' | 'timestamp';

export interface RecordField {
  type: FieldType;
  /** Present in every enrollment record (schema `required`). */
  required?: boolean;
  /** Computed by Settle, not supplied in the record (e.g. debt.daysPastDue). */
  derived?: boolean;
  /**
   * Kept by the running journey (payments, the agreed plan), not accepted in an enrollment
   * record; expressions and templates read the current value (absent: no plan agreed).
   */
  tracked?: boolean;
  /** Longest accepted string (enrollment refuses longer values; no name or address needs more). */
  maxLength?: number;
  description: string;
}

export const DEBTOR_FIELDS = {
  id: {
    type: 'string',
    required: true,
    maxLength: 200,
    description: 'Your id of the debtor (hashed before it reaches Temporal).',
  },
  firstName: { type: 'string', required: true, maxLength: 100, description: 'First name, used in greetings.' },
  lastName: { type: 'string', maxLength: 100, description: 'Last name.' },
  email: { type: 'string', maxLength: 254, description: 'Email address (needed for email sends).' },
  phone: { type: 'string', description: 'Mobile number in E.164 form, e.g. +33612345678 (needed for SMS).' },
  locale: { type: 'string', maxLength: 35, description: 'Preferred language, e.g. fr or nl-BE.' },
  timezone: { type: 'string', maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris.' },
  country: { type: 'string', maxLength: 2, description: 'ISO 3166-1 alpha-2 country of residence.' },
  region: {
    type: 'string',
    maxLength: 10,
    description: 'Subdivision of the country with its own public holidays, e.g. BY (Bavaria) or DE-BY, 57 (Moselle).',
  },
} as const satisfies Record<string, RecordField>;

export const CONSENT_FIELDS = {
  email: { type: 'bool', description: 'Consent to be contacted by email.' },
  sms: { type: 'bool', description: 'Consent to be contacted by SMS.' },
} as const satisfies Record<string, RecordField>;

export const DEBT_FIELDS = {
  reference: {
    type: 'string',
    required: true,
    maxLength: 100,
    description: 'Invoice or contract reference shown to the debtor.',
  },
  amountDue: { type: 'double', required: true, description: 'Amount still due, in currency units (420.5).' },
  currency: { type: 'string', required: true, description: 'ISO 4217 currency code, e.g. EUR.' },
  dueDate: { type: 'timestamp', required: true, description: 'Due date (YYYY-MM-DD, 00:00 in the debtor’s zone).' },
  issuedAt: { type: 'timestamp', description: 'Issue date (YYYY-MM-DD).' },
  creditor: {
    type: 'string',
    maxLength: 200,
    description: 'Name of the creditor shown on messages and the payment page.',
  },
  daysPastDue: {
    type: 'int',
    derived: true,
    description: 'Whole days from the due date to now in the debtor’s zone (negative before it).',
  },
  amountPaid: {
    type: 'double',
    tracked: true,
    description:
      'Paid so far while the debt ran in its journeys (every full, partial and instalment payment); amountDue is what is left.',
  },
  planCount: { type: 'int', tracked: true, description: 'Instalments of the payment plan the debtor agreed to.' },
  planAmount: {
    type: 'double',
    tracked: true,
    description: 'Amount of each instalment, exactly as charged (the last one may be a little less).',
  },
  planPaid: { type: 'int', tracked: true, description: 'Instalments of the plan paid so far.' },
  planRemaining: { type: 'int', tracked: true, description: 'Instalments of the plan still to pay.' },
  planNextAmount: { type: 'double', tracked: true, description: 'Amount of the next instalment of the plan.' },
  planNextDueDate: {
    type: 'timestamp',
    tracked: true,
    description: 'Due date (YYYY-MM-DD) of the next instalment of the plan.',
  },
  promisedDate: {
    type: 'timestamp',
    tracked: true,
    description: 'The date (YYYY-MM-DD) the debtor promised to pay by on the payment page, while the promise runs.',
  },
} as const satisfies Record<string, RecordField>;

/** Links a template can use; `pay` exists only when the send step has `paymentLink: true`. */
export const LINK_FIELDS = ['pay', 'optOut'] as const;
export type LinkName = (typeof LINK_FIELDS)[number];

type TsOf<T extends FieldType> = T extends 'string' | 'timestamp'
  ? string
  : T extends 'int' | 'double'
    ? number
    : boolean;
type Supplied<F extends Record<string, RecordField>> = {
  [K in keyof F as F[K] extends { derived: true } ? never : F[K] extends { required: true } ? K : never]: TsOf<
    F[K]['type']
  >;
} & {
  [K in keyof F as F[K] extends { derived: true } ? never : F[K] extends { required: true } ? never : K]?: TsOf<
    F[K]['type']
  >;
};

/** One enrollment record as supplied (JSON: dates are YYYY-MM-DD strings), typed from the field table. */
export interface EnrollmentData {
  debtId: string;
  debtor: Supplied<typeof DEBTOR_FIELDS> & { consent?: Supplied<typeof CONSENT_FIELDS> };
  debt: Supplied<typeof DEBT_FIELDS>;
  attributes?: Record<string, string | number | boolean>;
}
