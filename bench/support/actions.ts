/**
 * Temporal Cloud "actions" of a workflow history, counted from its events: the workflow start
 * (and a continue-as-new or child start), each activity scheduled, timer started, signal received,
 * search-attribute upsert and marker (local activities and side effects). Temporal Cloud bills
 * the local activities of one workflow task as one action, and activity retries and queries as
 * more, which a history of successful attempts does not show: an estimate, close from above.
 */
import proto from '@temporalio/proto';

const { EventType } = proto.temporal.api.enums.v1;

const ACTION_EVENTS = new Set<number>([
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW,
  EventType.EVENT_TYPE_START_CHILD_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
  EventType.EVENT_TYPE_TIMER_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
  EventType.EVENT_TYPE_SIGNAL_EXTERNAL_WORKFLOW_EXECUTION_INITIATED,
  EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
  EventType.EVENT_TYPE_WORKFLOW_PROPERTIES_MODIFIED,
  EventType.EVENT_TYPE_MARKER_RECORDED,
]);

export interface HistoryFigures {
  events: number;
  actions: number;
  /** Workflow tasks completed: the worker's unit of work. */
  workflowTasks: number;
  /** Journey time from the start event to the last event, in days. */
  days: number;
}

type Event = proto.temporal.api.history.v1.IHistoryEvent;

const ms = (e: Event | undefined): number => {
  const t = e?.eventTime;
  return t ? Number(t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : NaN;
};

export function historyFigures(events: readonly Event[]): HistoryFigures {
  let actions = 0;
  let workflowTasks = 0;
  for (const e of events) {
    const type = e.eventType ?? 0;
    if (ACTION_EVENTS.has(type)) actions += 1;
    if (type === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED) workflowTasks += 1;
  }
  return { events: events.length, actions, workflowTasks, days: (ms(events.at(-1)) - ms(events[0])) / 86_400_000 };
}
