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

/** What the user agent alone says: a machine's, a mail proxy's (human opens), or neither. */
type AgentClass = { machine: true } | { machine: false; proxy?: 'google' | 'yahoo' };

/**
 * Verdicts of recent user agents: a mail client sends the same string on every hit, so the regexes
 * run once per distinct agent. Bounded (agents come from the request): emptied when full.
 */
const AGENT_CACHE_MAX = 2_048;
const agentVerdicts = new Map<string, AgentClass>();

function classifyAgentUncached(raw: string): AgentClass {
  const agent = raw.trim();
  const proxy = PROXIES.find(([pattern]) => pattern.test(agent))?.[1];
  if (proxy !== undefined) return { machine: false, proxy };
  if (agent === '' || MACHINE_AGENTS.some((pattern) => pattern.test(agent))) return { machine: true };
  return { machine: false };
}

function classifyAgent(agent: string): AgentClass {
  let verdict = agentVerdicts.get(agent);
  if (verdict === undefined) {
    verdict = classifyAgentUncached(agent);
    if (agentVerdicts.size >= AGENT_CACHE_MAX) agentVerdicts.clear();
    agentVerdicts.set(agent, verdict);
  }
  return verdict;
}

const HUMAN: HitClass = Object.freeze({ machine: false });
const HEAD: HitClass = Object.freeze({ machine: true, reason: 'head' });
const AGENT: HitClass = Object.freeze({ machine: true, reason: 'agent' });
const TOO_SOON: HitClass = Object.freeze({ machine: true, reason: 'too-soon' });

/** The verdict on one hit; the returned object is shared (do not modify it). */
export function classifyHit(hit: HitFacts): HitClass {
  if (hit.method === 'HEAD') return HEAD;
  const agent = classifyAgent(hit.userAgent ?? '');
  const tooSoon = hit.nowMs - hit.issuedAtMs < hit.windowMs;
  if (agent.machine) return AGENT;
  if (agent.proxy !== undefined) return tooSoon ? { machine: true, reason: 'too-soon', proxy: agent.proxy } : agent;
  return tooSoon ? TOO_SOON : HUMAN;
}
