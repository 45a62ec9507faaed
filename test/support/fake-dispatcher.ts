/** A SignalDispatcher that records what the routes hand it (the real one queues to Temporal). */
import type { DispatchResult, JourneySignal, SignalDispatcher } from '../../src/server/signals.js';

export interface RecordingDispatcher extends SignalDispatcher {
  sent: { workflowId: string; signal: JourneySignal }[];
  /** What dispatch answers (default 'queued'). */
  answer: DispatchResult;
}

export function recordingDispatcher(): RecordingDispatcher {
  const d: RecordingDispatcher = {
    sent: [],
    answer: 'queued',
    dispatch(workflowId, signal) {
      d.sent.push({ workflowId, signal });
      return d.answer;
    },
    dispatchToContact(contactKey, signal) {
      d.sent.push({ workflowId: `contact:${contactKey}`, signal });
      return d.answer;
    },
    depth: () => 0,
    flush: () => Promise.resolve(),
  };
  return d;
}
