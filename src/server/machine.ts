/**
 * Machine hits on tracking links: mail-privacy proxies that fetch every image when a message
 * arrives, security gateways that open links before the recipient sees them, HEAD probes. They are
 * answered normally and counted (tagged `machine`), but not signalled, so a journey does not
 * route on an "open" or a "click" nobody made.
 *
 * Three signs, any of which makes a hit a machine hit:
 * - a HEAD request (browsers and mail clients GET images and links; checkers ask for headers);
 * - a known user agent: Apple Mail Privacy Protection's proxy (the bare "Mozilla/5.0"), Gmail's
 *   prefetch of messages arriving in an open session (a fixed, years-old Chrome/Edge string),
 *   Microsoft Safe Links / Defender and Office link previews, Mimecast, Barracuda, Proofpoint,
 *   Cisco IronPort, Symantec/MessageLabs, Trend Micro, Sophos, Forcepoint, FortiMail, declared
 *   crawlers, HTTP libraries, and no user agent at all;
 * - a hit within `windowMs` (default 2 s) of the token's issue time: no person reads a message
 *   within seconds of its being sent, a gateway scanning it on delivery does.
 *
 * Gmail's and Yahoo's image proxies (GoogleImageProxy, YahooMailProxy) fetch the pixel when the
 * recipient opens the message (the image is then served from their cache), so they are human
 * opens through a proxy: signalled, and tagged `proxy` so reports can tell them apart.
 */
export type MachineReason = 'head' | 'agent' | 'too-soon';

export interface HitClass {
  machine: boolean;
  reason?: MachineReason;
  proxy?: 'google' | 'yahoo';
}

const MACHINE_AGENTS: RegExp[] = [
  /^mozilla\/5\.0$/i, // Apple Mail Privacy Protection
  /chrome\/42\.0\.2311\.135 safari\/537\.36 edge\/12\.246 mozilla\/5\.0$/i, // Gmail prefetch
  /safelinks|bingpreview|microsoft office|ms-office|msoffice|microsoft-urlanalyzer|defender/i,
  /mimecast|barracuda|proofpoint|ironport|symantec|messagelabs|trend ?micro|sophos|forcepoint|fortimail|zscaler/i,
  /(?:bot|crawler|spider|scanner)\/|\+https?:\/\//i, // declared crawlers: "Foobot/1.0 (+http://…)"
  /headlesschrome|phantomjs|^curl\/|^wget\/|python-requests|python-urllib|go-http-client|okhttp|^java\/|libwww-perl|^axios\//i,
];

const PROXIES: [RegExp, 'google' | 'yahoo'][] = [
  [/googleimageproxy/i, 'google'],
  [/yahoomailproxy/i, 'yahoo'],
];

export interface HitFacts {
  method: string;
  userAgent: string | undefined;
  /** When the token was issued (the message rendered), and now, in ms. */
  issuedAtMs: number;
  nowMs: number;
  windowMs: number;
}

export function classifyHit(hit: HitFacts): HitClass {
  const agent = (hit.userAgent ?? '').trim();
  const proxy = PROXIES.find(([pattern]) => pattern.test(agent))?.[1];
  if (hit.method === 'HEAD') return { machine: true, reason: 'head' };
  if (proxy !== undefined)
    return hit.nowMs - hit.issuedAtMs < hit.windowMs
      ? { machine: true, reason: 'too-soon', proxy }
      : { machine: false, proxy };
  if (agent === '' || MACHINE_AGENTS.some((pattern) => pattern.test(agent))) return { machine: true, reason: 'agent' };
  if (hit.nowMs - hit.issuedAtMs < hit.windowMs) return { machine: true, reason: 'too-soon' };
  return { machine: false };
}
