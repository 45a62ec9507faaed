/**
 * The payment pages' look, for the server's one page shell (`page`, ../html.ts): CSS inline and
 * no script or external resource (a few KB; it renders on a slow phone connection in one round
 * trip). Mobile first, landmarks (banner, main, contentinfo), a `lang` attribute, text contrast
 * ≥ 4.5:1 (WCAG AA), visible focus rings and touch targets of at least 48 px.
 */

/** The payment pages' stylesheet (for `page`, ../html.ts). */
export const LANDING_CSS = [
  '*{box-sizing:border-box}',
  'body{margin:0;font:17px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:#1b1f24;background:#eef1f5}',
  '.top{background:#17324d;color:#fff;padding:.9rem 1rem}',
  '.top p,main,footer{max-width:30rem;margin:0 auto}',
  '.top p{font-weight:600;letter-spacing:.01em}',
  'main{padding:1.25rem 1rem 1rem}',
  'h1{font-size:1.35rem;line-height:1.3;margin:.25rem 0}',
  'h2{font-size:1.1rem;margin:0 0 .35rem}',
  '.lead{margin:0 0 1.25rem;color:#3d4651}',
  '.card{background:#fff;border-radius:14px;padding:1.25rem;margin:0 0 1rem;box-shadow:0 1px 2px rgba(16,24,40,.08),0 2px 8px rgba(16,24,40,.06)}',
  '.label{font-size:.8rem;text-transform:uppercase;letter-spacing:.06em;color:#4b5563;margin:0;font-weight:600}',
  '.amount{font-size:2.4rem;line-height:1.2;font-weight:700;margin:.15rem 0 1rem;font-variant-numeric:tabular-nums;color:#111827}',
  'dl{margin:0 0 1.25rem;display:grid;grid-template-columns:auto 1fr;gap:.35rem 1rem}',
  'dt{color:#4b5563}dd{margin:0;font-weight:600;text-align:right;overflow-wrap:anywhere}',
  'form{margin:0}.plans{list-style:none;margin:0;padding:0}',
  '.btn{display:block;width:100%;font:inherit;font-weight:600;min-height:3rem;padding:.75rem 1rem;border-radius:10px;cursor:pointer;text-align:center;text-decoration:none}',
  '.primary{background:#0b57d0;color:#fff;border:2px solid #0b57d0}.primary:hover{background:#0842a0}',
  '.secondary{background:#fff;color:#0b57d0;border:2px solid #0b57d0;margin-top:.6rem}.secondary:hover{background:#eef4ff}',
  '.secondary small{display:block;font-weight:400;color:#3d4651;font-size:.85rem}',
  ':focus-visible{outline:3px solid #b45309;outline-offset:3px}',
  '.muted{color:#4b5563;font-size:.92rem;margin:.75rem 0 0}',
  '.secure{display:flex;gap:.5rem;align-items:flex-start}.secure svg{flex:none;margin-top:.2rem}',
  '.notice{text-align:center}.notice svg{margin:.5rem auto 0;display:block}',
  'footer{padding:0 1rem 2rem;color:#4b5563;font-size:.9rem}',
  // Self-service forms (dispute): large touch targets, labels beside their controls.
  'summary{cursor:pointer;min-height:3rem;display:flex;align-items:center}summary h2{display:inline;margin:0}',
  'fieldset{border:0;margin:.75rem 0;padding:0}legend{font-weight:600;margin-bottom:.35rem}',
  '.choice{display:flex;gap:.6rem;align-items:center;min-height:2.75rem}.choice input{width:1.35rem;height:1.35rem;margin:0;flex:none}',
  '.field{display:block;font-weight:600;margin:.5rem 0 .35rem}',
  'textarea,select,input[type=date]{display:block;width:100%;font:inherit;padding:.6rem;border:2px solid #6b7280;border-radius:8px;background:#fff;color:#1b1f24}',
  '.hint{margin:.35rem 0 .5rem}',
  '.download{color:#0b57d0;font-weight:600;display:inline-block;min-height:2.75rem;padding:.6rem 0}',
  '@media (min-width:40rem){main{padding-top:2.5rem}.amount{font-size:2.75rem}}',
].join('');

export const LOCK_ICON =
  '<svg aria-hidden="true" width="16" height="16" viewBox="0 0 24 24" fill="none" stroke="#4b5563" stroke-width="2.2" stroke-linecap="round"><rect x="4" y="10" width="16" height="11" rx="2"/><path d="M8 10V7a4 4 0 0 1 8 0v3"/></svg>';

export const CHECK_ICON =
  '<svg aria-hidden="true" width="56" height="56" viewBox="0 0 24 24" fill="none" stroke="#15803d" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><circle cx="12" cy="12" r="10"/><path d="m7.5 12.5 3 3 6-6.5"/></svg>';
