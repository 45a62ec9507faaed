/** The boards as code: file name → the JSON Grafana provisions (grafana/provisioning/dashboards). */
import { kpiBoard } from './kpi-board.js';
import { opsBoard } from './ops-board.js';

export function renderDashboards(): Record<string, string> {
  return {
    'settle-kpis.json': `${JSON.stringify(kpiBoard(), null, 2)}\n`,
    'settle-operations.json': `${JSON.stringify(opsBoard(), null, 2)}\n`,
  };
}
