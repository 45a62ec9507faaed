/** Friendly paths for diagnostics: `steps[watch-email].timeout` rather than `/spec/steps/1/timeout`. */

const NAMED_LISTS: Record<string, string> = { steps: 'id', variants: 'name' };

export function toPointer(at: (string | number)[]): string {
  return at.length === 0 ? '' : '/' + at.map((s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('/');
}

export function friendlyPath(doc: unknown, at: (string | number)[]): string {
  let node: unknown = doc;
  let out = '';
  let listKey: string | undefined;
  at.forEach((seg, i) => {
    const parent = node;
    node =
      parent !== null && typeof parent === 'object' ? (parent as Record<string | number, unknown>)[seg] : undefined;
    if (i === 0 && seg === 'spec' && at.length > 1) return;
    if (typeof seg === 'number') {
      const nameKey = listKey ? NAMED_LISTS[listKey] : undefined;
      const name = nameKey && node && typeof node === 'object' ? (node as Record<string, unknown>)[nameKey] : undefined;
      out += typeof name === 'string' && name !== '' ? `[${name}]` : `[${seg}]`;
    } else {
      out += (out === '' ? '' : '.') + (/^[A-Za-z_][\w-]*$/.test(seg) ? seg : JSON.stringify(seg));
      listKey = seg;
    }
  });
  return out === '' ? '(document)' : out;
}
