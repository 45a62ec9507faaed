/** SMS segment counting lives in src/core (pure code, shared with the compiler, renderer and simulator). */
export {
  codePointName,
  countSmsSegments,
  isGsm7,
  smsLength,
  type SmsEncoding,
  type SmsLength,
  type SmsSegments,
} from '../core/sms-segments.js';
