/**
 * Temporal's sandbox replaces the global Date with a deterministic constructor that shares the
 * original prototype, so Date instances still name the original as their `constructor`. CEL
 * (cel-js) finds a value's type by its constructor and would call timestamps "unsupported".
 * Point the shared prototype back at the sandbox's Date. Idempotent; outside the sandbox the two
 * are the same and nothing changes.
 */
if (Date.prototype.constructor !== Date) {
  Object.defineProperty(Date.prototype, 'constructor', {
    value: Date,
    writable: true,
    configurable: true,
    enumerable: false,
  });
}

export {};
