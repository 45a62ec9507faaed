/** Workflow-safe IR: the compiled plan types and the enrollment record's field table. */
export * from './plan.js';
export * from './record.js';
export * from './failures.js';
