/**
 * Small helpers over @grafana/grafana-foundation-sdk for the two boards: every panel gets a
 * description, a unit and thresholds, and its queries go to the provisioned Prometheus
 * datasource (uid `prometheus`, grafana/provisioning/datasources).
 */
import * as bargauge from '@grafana/grafana-foundation-sdk/bargauge';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

export const DATASOURCE = { type: 'prometheus', uid: 'prometheus' };

export interface Query {
  expr: string;
  legend?: string;
  /** Histogram buckets (heat-map format). */
  heatmap?: boolean;
  /** An instant query in table format (a column per query in a table panel). */
  table?: boolean;
}

export interface PanelSpec {
  title: string;
  description: string;
  unit: string;
  queries: Query[];
  /** Threshold steps after the base (green): [value, color]. */
  thresholds?: [number, string][];
  width?: number;
  height?: number;
}

function target(q: Query, i: number): prometheus.DataqueryBuilder {
  const t = new prometheus.DataqueryBuilder()
    .expr(q.expr)
    .refId(String.fromCharCode(65 + i))
    .legendFormat(q.legend ?? '__auto');
  if (q.table) return t.format(prometheus.PromQueryFormat.Table).instant();
  return q.heatmap ? t.format(prometheus.PromQueryFormat.Heatmap) : t;
}

function thresholds(steps: [number, string][] = []): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: 'green' }, ...steps.map(([value, color]) => ({ value, color }))]);
}

type AnyPanel = timeseries.PanelBuilder | stat.PanelBuilder | bargauge.PanelBuilder | table.PanelBuilder;

function withSpec<P extends AnyPanel>(p: P, s: PanelSpec): P {
  p.title(s.title)
    .description(s.description)
    .unit(s.unit)
    .datasource(DATASOURCE)
    .thresholds(thresholds(s.thresholds))
    .gridPos({ x: 0, y: 0, w: s.width ?? 12, h: s.height ?? 8 });
  s.queries.forEach((q, i) => p.withTarget(target(q, i)));
  return p;
}

export const timeSeries = (s: PanelSpec) => withSpec(new timeseries.PanelBuilder(), s).fillOpacity(10).spanNulls(true);
/** Stat and bar-gauge panels show the latest value of each series. */
const latest = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']);
export const statPanel = (s: PanelSpec) => withSpec(new stat.PanelBuilder(), s).reduceOptions(latest());
export const barGauge = (s: PanelSpec) => withSpec(new bargauge.PanelBuilder(), s).reduceOptions(latest());

/**
 * A table with one row per value of `by` and one column per query (instant, table format), joined
 * on that label; each query's legend names its column.
 */
export function tablePanel(s: PanelSpec & { by: string }): table.PanelBuilder {
  const queries = s.queries.map((q) => ({ ...q, table: true }));
  const columns: Record<string, string> = {};
  queries.forEach((q, i) => (columns[`Value #${String.fromCharCode(65 + i)}`] = q.legend ?? `#${i + 1}`));
  return withSpec(new table.PanelBuilder(), { ...s, queries })
    .withTransformation({ id: 'merge', options: {} })
    .withTransformation({
      id: 'organize',
      options: {
        excludeByName: { Time: true },
        indexByName: { [s.by]: 0 },
        renameByName: columns,
      },
    });
}

/** A query variable over a label of a metric, multi-select with All. */
export function labelVariable(name: string, label: string, metric: string): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query(`label_values(${metric}, ${name})`)
    .definition(`label_values(${metric}, ${name})`)
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ text: 'All', value: '$__all' });
}

/** Lays panels out left to right, wrapping at 24 columns. */
export function layout(b: dashboard.DashboardBuilder, rows: [string, AnyPanel[]][]): dashboard.DashboardBuilder {
  for (const [title, panels] of rows) {
    b.withRow(new dashboard.RowBuilder(title));
    for (const p of panels) b.withPanel(p);
  }
  return b;
}
