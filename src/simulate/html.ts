/**
 * The self-contained HTML report of `settle simulate --format html`: inline CSS and SVG charts
 * (sends per day by channel, the funnel, outcomes, split variants) and the summary tables. No
 * script, font or image is fetched, so it opens offline and can be attached to a CI run.
 */
import { escapeHtml } from '../templates/escape.js';
import { sections } from './report-format.js';
import type { SimulationSummary } from './summary.js';

const COLORS = { email: '#2b6cb0', sms: '#dd6b20', bar: '#38a169', muted: '#718096' };

function svg(id: string, title: string, width: number, height: number, body: string): string {
  return `<svg id="${id}" class="chart" role="img" aria-label="${escapeHtml(title)}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><title>${escapeHtml(title)}</title>${body}</svg>`;
}

/** Stacked bars per UTC day: email below, SMS on top. */
function sendsPerDayChart(s: SimulationSummary): string {
  const days = s.sendsPerDay;
  const W = 760;
  const H = 240;
  const left = 40;
  const bottom = 30;
  const max = Math.max(1, ...days.map((d) => d.email + d.sms));
  const step = (W - left - 10) / Math.max(1, days.length);
  const bw = Math.max(1, step * 0.8);
  const y = (n: number) => ((H - bottom - 20) * n) / max;
  let body = `<line x1="${left}" y1="${H - bottom}" x2="${W - 5}" y2="${H - bottom}" stroke="${COLORS.muted}"/>`;
  body += `<text x="${left - 4}" y="24" text-anchor="end" font-size="10">${max}</text><text x="${left - 4}" y="${H - bottom}" text-anchor="end" font-size="10">0</text>`;
  days.forEach((d, i) => {
    const x = left + i * step + (step - bw) / 2;
    const he = y(d.email);
    const hs = y(d.sms);
    const base = H - bottom;
    body += `<rect class="bar email" x="${x.toFixed(1)}" y="${(base - he).toFixed(1)}" width="${bw.toFixed(1)}" height="${he.toFixed(1)}" fill="${COLORS.email}"><title>${d.date}: ${d.email} email</title></rect>`;
    body += `<rect class="bar sms" x="${x.toFixed(1)}" y="${(base - he - hs).toFixed(1)}" width="${bw.toFixed(1)}" height="${hs.toFixed(1)}" fill="${COLORS.sms}"><title>${d.date}: ${d.sms} SMS</title></rect>`;
    if (days.length <= 31 || i % 7 === 0) {
      body += `<text x="${(x + bw / 2).toFixed(1)}" y="${H - bottom + 14}" text-anchor="middle" font-size="9">${d.date.slice(5)}</text>`;
    }
  });
  body += `<rect x="${W - 150}" y="4" width="10" height="10" fill="${COLORS.email}"/><text x="${W - 136}" y="13" font-size="11">email</text>`;
  body += `<rect x="${W - 90}" y="4" width="10" height="10" fill="${COLORS.sms}"/><text x="${W - 76}" y="13" font-size="11">SMS</text>`;
  return svg('chart-sends', 'Sends per day by channel', W, H, body);
}

/** Horizontal bars, one per labelled value (the funnel, outcomes, variants). */
function barChart(id: string, title: string, items: { label: string; value: number; text?: string }[]): string {
  const W = 760;
  const row = 26;
  const labelW = 260;
  const H = Math.max(1, items.length) * row + 10;
  const max = Math.max(1e-9, ...items.map((i) => i.value));
  let body = '';
  items.forEach((it, i) => {
    const w = ((W - labelW - 90) * it.value) / max;
    const y = 5 + i * row;
    body += `<text x="${labelW - 8}" y="${y + 16}" text-anchor="end" font-size="12">${escapeHtml(it.label)}</text>`;
    body += `<rect class="bar" x="${labelW}" y="${y + 3}" width="${Math.max(0, w).toFixed(1)}" height="${row - 8}" fill="${COLORS.bar}"/>`;
    body += `<text x="${labelW + w + 6}" y="${y + 16}" font-size="12">${escapeHtml(it.text ?? String(it.value))}</text>`;
  });
  return svg(id, title, W, H, body);
}

function tableHtml(header: string[], rows: string[][]): string {
  const th = header.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>`;
}

export function formatHtml(s: SimulationSummary): string {
  const f = s.funnel;
  const funnel = barChart('chart-funnel', 'Funnel', [
    { label: 'messages sent', value: f.sent },
    { label: 'delivered', value: f.delivered },
    { label: 'opened', value: f.opened },
    { label: 'clicked', value: f.clicked },
    { label: 'visited the payment page', value: f.visited },
    { label: 'debts paid', value: f.paid },
  ]);
  const outcomes = barChart(
    'chart-outcomes',
    'Outcomes',
    Object.entries(s.outcomes)
      .sort(([, a], [, b]) => b - a)
      .map(([label, value]) => ({ label, value })),
  );
  const variants = barChart(
    'chart-variants',
    'Conversion by split variant',
    s.variants.map((v) => ({
      label: `${v.journey} · ${v.variant}`,
      value: v.conversion,
      text: `${(v.conversion * 100).toFixed(1)}% (${v.paid}/${v.debts})`,
    })),
  );
  const tables = sections(s)
    .map((sec) => `<h3>${escapeHtml(sec.title)}</h3>${tableHtml(sec.header, sec.rows)}`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Settle simulation — ${escapeHtml(s.start)}, ${s.days} days</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a202c;margin:24px auto;max-width:800px;padding:0 12px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px}h3{font-size:14px;margin-top:20px}
table{border-collapse:collapse;margin:6px 0}td,th{border:1px solid #e2e8f0;padding:3px 8px;text-align:left}th{background:#f7fafc}
.chart{max-width:100%;height:auto;display:block;margin:8px 0}.kpis{display:flex;gap:16px;flex-wrap:wrap}
.kpi{border:1px solid #e2e8f0;border-radius:6px;padding:8px 12px}.kpi b{display:block;font-size:20px}
</style></head>
<body>
<h1>Settle simulation</h1>
<p>${s.debts} debts from ${escapeHtml(s.start)} to ${escapeHtml(s.end)} (${s.days} days), behaviour <code>${escapeHtml(s.behaviour)}</code>, seed ${s.seed}. Nothing was sent: journeys ran through the production interpreter and contact policy on a virtual clock.</p>
<div class="kpis">
<div class="kpi"><b>${s.sends.total}</b>messages</div>
<div class="kpi"><b>${Object.values(s.deferrals).reduce((a, b) => a + b, 0)}</b>deferrals</div>
<div class="kpi"><b>${Object.values(s.blocks).reduce((a, b) => a + b, 0)}</b>blocks</div>
<div class="kpi"><b>${f.paid}</b>debts paid</div>
<div class="kpi"><b>${s.cost.total.toFixed(2)}${s.cost.currency ? ` ${escapeHtml(s.cost.currency)}` : ''}</b>cost</div>
</div>
<h2>Sends per day by channel (UTC)</h2>
${sendsPerDayChart(s)}
<h2>Funnel</h2>
${funnel}
<h2>Outcomes</h2>
${outcomes}
<h2>Split variants</h2>
${s.variants.length > 0 ? variants : '<p>No split in these journeys.</p>'}
<h2>Tables</h2>
${tables}
</body></html>
`;
}
