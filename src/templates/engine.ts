/**
 * The configured Liquid engine. One place decides the dialect every template is checked and
 * rendered with: unknown filters are errors, only own properties of the data are visible, no
 * file system (templates are self-contained: `include`, `render` and `layout` are refused
 * with a clear message), DoS limits, and the locale-aware filters next to Liquid's standard ones.
 */
import { Liquid, type LiquidOptions, type TagToken } from 'liquidjs';
import { registerLocaleFilters } from './filters.js';

export interface CreateLiquidOptions {
  /** HTML parts: every `{{ output }}` is HTML-escaped (opt out per output with `| raw`). */
  html?: boolean;
}

/** Tags that would load other templates: refused, a message template stands alone. */
export const REFUSED_TAGS = ['include', 'render', 'layout'] as const;

const LIMITS = {
  parseLimit: 1_000_000, // characters per parse
  renderLimit: 2_000, // milliseconds per render
  memoryLimit: 50_000_000, // Liquid's allocation units (range, join, concat…)
} as const satisfies LiquidOptions;

function build(options: LiquidOptions): Liquid {
  const liquid = new Liquid({
    ...LIMITS,
    ...options,
    ownPropertyOnly: true,
    strictVariables: false, // optional record fields may be absent; checkLiquid catches typos
    templates: {}, // an in-memory, empty file map: nothing is ever read from disk
  });
  for (const name of REFUSED_TAGS) {
    liquid.registerTag(name, {
      parse(token: TagToken) {
        throw new Error(`tag "${token.name}" is not supported: a message template cannot load other templates`);
      },
      render() {
        return undefined;
      },
    });
  }
  registerLocaleFilters(liquid);
  return liquid;
}

/** The engine used to render messages (text and subject parts, or HTML parts with `html`). */
export function createLiquid(options: CreateLiquidOptions = {}): Liquid {
  return build({ strictFilters: true, ...(options.html ? { outputEscape: 'escape' as const } : {}) });
}

/**
 * Same dialect, but an unknown filter parses (as the identity) so that checkLiquid can report
 * every unknown filter together with the other issues instead of stopping at the first.
 */
export function createCheckingLiquid(): Liquid {
  return build({ strictFilters: false });
}
