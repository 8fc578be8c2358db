/** The record compactor and the part plan: what a part holds, and how many parts there are. */
import { compactRecords } from '../../lib/stage/json-lines';
import { MAX_PART_BYTES, MIN_PART_BYTES, partOf, planParts } from '../../lib/stage/plan';

const bytes = (text: string) => new TextEncoder().encode(text);

describe('compactRecords', () => {
  test('a pretty-printed object becomes one line, its tokens exactly as written', () => {
    const text = '{\n  "song_id": "SO1",\n  "title": "A  B \\"q\\"",\n  "duration": 218.93179000,\n  "big": 12345678901234567890,\n  "u": "\\u00e9"\n}\n';
    expect(compactRecords(bytes(text))).toEqual({
      lines: ['{"song_id":"SO1","title":"A  B \\"q\\"","duration":218.93179000,"big":12345678901234567890,"u":"\\u00e9"}\n'],
      errors: [],
    });
  });

  test('several records in one file, one a line, blank lines and a byte order mark ignored', () => {
    expect(compactRecords(bytes('\ufeff{"a":1} {"a":2}\n\n[1, 2]\n'))).toEqual({ lines: ['{"a":1}\n', '{"a":2}\n', '[1,2]\n'], errors: [] });
  });

  test('bad records are reported with the line they start on; good ones around them are kept', () => {
    const { lines, errors } = compactRecords(bytes('{"a":1}\n{"a":,}\nnot json\n{"b":\n 2}\n{"c": "open\n'));
    expect(lines).toEqual(['{"a":1}\n', '{"b":2}\n']);
    expect(errors).toEqual([
      { line: 2, reason: expect.stringMatching(/^not valid JSON/) },
      { line: 3, reason: 'text outside any JSON object: "not json"' },
      { line: 6, reason: 'the record is not closed (truncated, or a raw line break inside a string)' },
    ]);
  });

  test('a file that is not UTF-8 is one bad record', () => {
    expect(compactRecords(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]))).toEqual({
      lines: [],
      errors: [{ line: 1, reason: 'the file is not valid UTF-8 (COPY rejects it too)' }],
    });
  });
});

describe('planParts', () => {
  test('song_data (~3.7 MB): 16 slices would make tiny parts, so parts of at least 1 MB', () => {
    const plan = planParts(3_700_000, 16);
    expect(plan.parts).toBe(3);
    expect(plan.bytesPerPart).toBeGreaterThanOrEqual(MIN_PART_BYTES);
  });

  test('song-data (~96 MB): one part per slice', () => {
    expect(planParts(96_000_000, 16).parts).toBe(16);
  });

  test('over 16 × 125 MB: the next multiple of the slices, each part at most 125 MB', () => {
    const plan = planParts(3 * 1024 ** 3, 16);
    expect(plan.parts % 16).toBe(0);
    expect(plan.bytesPerPart).toBeLessThanOrEqual(MAX_PART_BYTES);
    expect(planParts(3 * 1024 ** 3, 16).parts).toBe(32);
  });

  test('a tiny source is one part; objects fill parts in order, each about equal', () => {
    expect(planParts(500, 16).parts).toBe(1);
    const counts = [0, 0, 0];
    for (let offset = 0; offset < 3000; offset += 10) counts[partOf(offset, 3000, 3)]!++;
    expect(counts).toEqual([100, 100, 100]);
  });
});
