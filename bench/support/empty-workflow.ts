/**
 * The baseline of bench/enroll: a workflow that does nothing. The benchmark only starts it (no
 * worker runs), so what it measures is the cost of a bare `client.workflow.start` round trip.
 */
export async function emptyWorkflow(): Promise<void> {}
