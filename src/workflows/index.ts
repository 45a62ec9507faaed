/**
 * Workflow entry point (Temporal's workflowsPath): only journeyWorkflow. Everything imported from
 * here is bundled into the deterministic sandbox: no Node built-ins, no adapters (checked by
 * lint and by a bundle test).
 */
export { journeyWorkflow } from './journey-workflow.js';
