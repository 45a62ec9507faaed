/** Amounts in a currency's minor units: the workflow-safe functions of src/core/money.ts, for the adapters. */
export {
  currencyExponent,
  fromMinorUnits,
  instalmentMinorUnits,
  instalmentScheduleMinorUnits,
  toMinorUnits,
} from '../core/money.js';
