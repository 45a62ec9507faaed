/**
 * Workflow entry point (Temporal's workflowsPath): journeyWorkflow, the per-debtor contact
 * ledger and the plan store's holder. Everything imported from
 * here is bundled into the deterministic sandbox: no Node built-ins, no adapters (checked by
 * lint and by a bundle test).
 */
export { journeyWorkflow } from './journey-workflow.js';
export { debtorLedgerWorkflow } from './ledger-workflow.js';
export { journeyPlanWorkflow } from './plan-workflow.js';
export { routingTableWorkflow } from './routing-workflow.js';
