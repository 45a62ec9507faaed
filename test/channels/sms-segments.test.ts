/** SMS segment counting: GSM-7 (160/153), UCS-2 (70/67), extension characters and surrogate pairs. */
import { describe, expect, it } from 'vitest';
import { countSmsSegments, isGsm7 } from '../../src/channels/sms-segments.js';

describe('countSmsSegments', () => {
  it('counts GSM-7 texts at 160 alone, 153 per part', () => {
    expect(countSmsSegments('')).toEqual({ encoding: 'GSM-7', units: 0, segments: 0 });
    expect(countSmsSegments('Hello')).toEqual({ encoding: 'GSM-7', units: 5, segments: 1 });
    expect(countSmsSegments('a'.repeat(160)).segments).toBe(1);
    expect(countSmsSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSmsSegments('a'.repeat(307)).segments).toBe(3);
  });

  it('keeps accented letters of the GSM alphabet in GSM-7', () => {
    expect(isGsm7('Bonjour Anna, réglez 420,50 £ à temps. Ñandu ÄÖÜ ß')).toBe(true);
    expect(isGsm7('ú')).toBe(false); // only ù is in the alphabet
    expect(countSmsSegments('é'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
  });

  it('counts extension characters as two septets, never split across parts', () => {
    expect(countSmsSegments('€').units).toBe(2);
    expect(countSmsSegments('€'.repeat(80)).segments).toBe(1);
    expect(countSmsSegments('€'.repeat(81)).segments).toBe(2);
    // 152 septets then a 2-septet character: it does not fit the first part's 153.
    const text = `${'a'.repeat(152)}€${'a'.repeat(10)}`;
    expect(countSmsSegments(text)).toEqual({ encoding: 'GSM-7', units: 164, segments: 2 });
    expect(countSmsSegments(`${'a'.repeat(152)}€${'a'.repeat(152)}`).segments).toBe(3);
  });

  it('switches to UCS-2 for any other character: 70 alone, 67 per part', () => {
    expect(countSmsSegments('Привет')).toEqual({ encoding: 'UCS-2', units: 6, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(69)}ł`).segments).toBe(1);
    expect(countSmsSegments(`${'a'.repeat(70)}ł`).segments).toBe(2);
    expect(isGsm7('“quotes”')).toBe(false);
    expect(countSmsSegments('ж'.repeat(134)).segments).toBe(2);
    expect(countSmsSegments('ж'.repeat(135)).segments).toBe(3);
  });

  it('counts an emoji as two UTF-16 units and keeps the pair whole', () => {
    expect(countSmsSegments('👍')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    expect(countSmsSegments(`${'a'.repeat(66)}👍`).segments).toBe(1); // 68 units ≤ 70
    // 134 units would fill two parts of 67, but the pair cannot straddle the first boundary.
    expect(countSmsSegments(`${'a'.repeat(66)}👍${'a'.repeat(66)}`)).toEqual({
      encoding: 'UCS-2',
      units: 134,
      segments: 3,
    });
  });
});
