/** Workflow ids: one per debt (`settle/<debtId>`), and the older `settle/<debtId>/<journey>` still read. */
import { describe, expect, it } from 'vitest';
import { legacyWorkflowIdFor, parseWorkflowId, workflowIdFor } from '../../src/ids/workflow-ids.js';

describe('workflow ids', () => {
  it('names the debt only: the same id whatever journey the debt is in', () => {
    expect(workflowIdFor('INV-2026-0042')).toBe('settle/INV-2026-0042');
    expect(parseWorkflowId(workflowIdFor('INV-2026-0042'))).toEqual({ debtId: 'INV-2026-0042' });
  });

  it('reads the older id of journeys enrolled before, with its journey', () => {
    const id = legacyWorkflowIdFor('INV-2026-0042', 'soft-collection');
    expect(id).toBe('settle/INV-2026-0042/soft-collection');
    expect(parseWorkflowId(id)).toEqual({ debtId: 'INV-2026-0042', journey: 'soft-collection' });
  });

  it('refuses what is neither (other workflows of the namespace, message keys)', () => {
    expect(parseWorkflowId('settle-debtor/abc')).toBeUndefined();
    expect(parseWorkflowId('settle-routing/settle')).toBeUndefined();
    expect(parseWorkflowId('settle/')).toBeUndefined();
    expect(parseWorkflowId('settle/D-1/Soft')).toBeUndefined();
    expect(parseWorkflowId('settle/D-1/soft-collection/first-email/1')).toBeUndefined();
  });
});
