/**
 * The `journeyStarted` activity, a fresh journey's first act, and the `recordOutcome` activity,
 * its last, which reports how the journey ended to the outcome sink. Both feed business metrics (journeys started and amounts enrolled, journeys completed
 * and days to pay: src/metrics/activities.ts counts around them). Activities, not workflow code, so
 * that a replay does not count twice.
 */
import type { ActivityDeps } from './deps.js';
import type {
  DisputeResultInput,
  JourneyStartedInput,
  OutcomeInput,
  PromiseResultInput,
} from '../workflows/contract.js';

export function createJourneyStarted(deps: ActivityDeps): (input: JourneyStartedInput) => Promise<void> {
  return function journeyStarted(input) {
    deps.outcomes?.started?.(input);
    deps.log?.info('journey started', { journey: input.journey, version: input.version });
    return Promise.resolve();
  };
}

export function createRecordOutcome(deps: ActivityDeps): (input: OutcomeInput) => Promise<void> {
  return async function recordOutcome(input) {
    await deps.outcomes?.record(input);
    deps.log?.info('journey outcome', { journey: input.journey, version: input.version, outcome: input.outcome });
  };
}

export function createRecordPromise(deps: ActivityDeps): (input: PromiseResultInput) => Promise<void> {
  return function recordPromise(input) {
    deps.log?.info('promise to pay', { journey: input.journey, version: input.version, result: input.result });
    return Promise.resolve();
  };
}

export function createRecordDispute(deps: ActivityDeps): (input: DisputeResultInput) => Promise<void> {
  return function recordDispute(input) {
    deps.log?.info('dispute closed', { journey: input.journey, version: input.version, result: input.result });
    return Promise.resolve();
  };
}
