/** Signal and query definitions of journeyWorkflow, shared by the workflow and its clients (server, CLI). */
import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { EngagementSignal, JourneyStateView, OptInSignal, OptOutSignal } from './types.js';

export const engagementSignal = defineSignal<[EngagementSignal]>('engagement');
export const optOutSignal = defineSignal<[OptOutSignal]>('optOut');
export const optInSignal = defineSignal<[OptInSignal]>('optIn');
export const stateQuery = defineQuery<JourneyStateView>('state');
