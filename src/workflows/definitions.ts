/** Signal and query definitions of journeyWorkflow, shared by the workflow and its clients (server, CLI). */
import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReserveRequest, ReserveResult } from '../core/policy/index.js';
import type {
  EngagementSignal,
  JourneyStateView,
  LedgerBounceSignal,
  LedgerView,
  MigrateSignal,
  OptInSignal,
  OptOutSignal,
  PlanRef,
  ReenrollSignal,
} from './types.js';

export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');
export const optOutSignal = defineSignal<[OptOutSignal]>('optOut');
export const optInSignal = defineSignal<[OptInSignal]>('optIn');
export const stateQuery = defineQuery<JourneyStateView>('state');
/** `settle enroll` met the debt's running journey: its new facts and the journey the segments route it to now. */
export const reenrollSignal = defineSignal<[ReenrollSignal]>('reenroll');
/** `settle migrate`: take a newer version of the journey at the next safe point. */
export const migrateSignal = defineSignal<[MigrateSignal]>('migrate');

/** The debtor ledger (debtorLedgerWorkflow, id `settle-debtor/<debtorKey>`): its update, signals and query. */
export const LEDGER_WORKFLOW_TYPE = 'debtorLedgerWorkflow';
export const ledgerWorkflowId = (debtorKey: string) => `settle-debtor/${debtorKey}`;
export const reserveUpdate = defineUpdate<ReserveResult, [ReserveRequest]>('reserve');
export const ledgerOptOutSignal = defineSignal<[OptOutSignal]>('optOut');
export const ledgerOptInSignal = defineSignal<[OptInSignal]>('optIn');
/** An address hard-bounced for one of the debtor's debts: refused for all of them. */
export const ledgerBounceSignal = defineSignal<[LedgerBounceSignal]>('bounced');
export const ledgerQuery = defineQuery<LedgerView>('ledger');

/** The plan store's holder of one compiled plan (journeyPlanWorkflow, its input is the plan). The hash is cut to 32 hex digits (128 bits). */
export const PLAN_WORKFLOW_TYPE = 'journeyPlanWorkflow';
export const planWorkflowId = (ref: PlanRef) =>
  `settle-plan/${ref.journey}/v${ref.version}/${ref.contentHash.slice(0, 32)}`;

/**
 * The deployed routing table (src/temporal/routing-store.ts): one holder per task queue, its input
 * the table; replaced (a new run) when the table's content changes.
 */
export const ROUTING_WORKFLOW_TYPE = 'routingTableWorkflow';
export const routingWorkflowId = (taskQueue: string) => `settle-routing/${taskQueue}`;
