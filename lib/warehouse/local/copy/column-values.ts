/**
 * Converts one JSON value into the field of a binary COPY row (binary.ts), by Redshift's COPY rules for
 * the target column's type. A value Redshift would reject throws a FieldError with Redshift's error code and
 * wording where known; nothing is coerced that Redshift would refuse.
 *
 * Rules (Redshift's documented COPY data conversion):
 * - A missing key or JSON null loads NULL.
 * - CHAR/VARCHAR: lengths are BYTES of UTF-8; a longer value fails unless TRUNCATECOLUMNS. EMPTYASNULL turns
 *   "" into NULL, BLANKSASNULL turns whitespace-only into NULL; without them they load as they are.
 *   CHAR takes single-byte characters only.
 * - Other types: an empty or blank field always loads NULL; otherwise the text must parse as the type.
 * - TIMESTAMP: TIMEFORMAT 'epochmillisecs' / 'epochsecs' take numbers; the default format is
 *   'YYYY-MM-DD HH:MI:SS' (fractions allowed); 'auto' also takes ISO 8601's 'T'. Years 1 to 9999.
 *
 * Each value is written in the type's binary form, exactly what Postgres's text input would have made of
 * the text the earlier CSV loader sent (integers and timestamps are computed, strings are their UTF-8 bytes);
 * REAL and NUMERIC, whose decimal rounding is Postgres's to do, travel as text and Postgres casts them.
 */
import { TranslationError } from '../../../errors';
import type { CopyBuffer } from './binary';

export class FieldError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly position = 0,
  ) {
    super(message);
  }
}

export interface ColumnInfo {
  readonly name: string;
  /** Postgres's information_schema data_type, e.g. 'character varying', 'integer'. */
  readonly dataType: string;
  readonly maxLength: number | null;
  readonly nullable: boolean;
}

export interface ConversionOptions {
  readonly blanksAsNull: boolean;
  readonly emptyAsNull: boolean;
  readonly truncateColumns: boolean;
  readonly timeFormat?: string;
  readonly dateFormat?: string;
}

/**
 * Writes one JSON value as a field of a binary COPY row (see binary.ts), by the column's type; throws a
 * FieldError for a value Redshift would reject. The row is the caller's to abandon when that happens.
 */
export type FieldConverter = (value: unknown, out: CopyBuffer) => void;

/** Writes the value, or returns false for NULL (and writes nothing). */
type FieldWriter = (value: unknown, out: CopyBuffer) => boolean;

const INT_TYPES: Record<string, { name: string; bytes: 2 | 4 | 8; min: bigint; max: bigint }> = {
  smallint: { name: 'Smallint', bytes: 2, min: -32768n, max: 32767n },
  integer: { name: 'Integer', bytes: 4, min: -2147483648n, max: 2147483647n },
  bigint: { name: 'Bigint', bytes: 8, min: -9223372036854775808n, max: 9223372036854775807n },
};
const BLANK = /^\s+$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DEFAULT_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;
const AUTO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Postgres counts timestamps in microseconds and dates in days from 2000-01-01. */
const PG_EPOCH_MS = Date.UTC(2000, 0, 1);
const DAY_MS = 86_400_000;
/** Timestamps load for years 1 to 9999, the range the text form 'YYYY-MM-DD …' can express. */
const MIN_TIMESTAMP_MS = new Date('0001-01-01T00:00:00Z').getTime();
const MAX_TIMESTAMP_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
/** Below this many milliseconds from 2000, microseconds stay exact in a double (2^53). */
const SAFE_MS = 9e12;

/** The value as the text Redshift would read from the file. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** Whitespace only (BLANKSASNULL): most strings start with a visible ASCII character, which rules it out at once. */
function isBlank(s: string): boolean {
  if (s.length === 0) return false;
  const c = s.charCodeAt(0);
  return !(c > 0x20 && c < 0x7f) && BLANK.test(s);
}

function invalidDigit(text: string, type: string): FieldError {
  const bad = [...text].findIndex((ch, i) => !(/\d/.test(ch) || (i === 0 && /[+-]/.test(ch))));
  const pos = Math.max(bad, 0);
  return new FieldError(1207, `Invalid digit, Value '${text[pos] ?? ''}', Pos ${pos}, Type: ${type}`, pos);
}

/**
 * For a column whose binary form cannot be produced exactly here (REAL: decimal to 4-byte float rounding;
 * NUMERIC), the SQL type Postgres must cast the loaded text to; undefined for every other column. The loader
 * sends such columns as text and lets Postgres convert them, as its own text COPY would.
 */
export function castFromText(column: ColumnInfo): string | undefined {
  return column.dataType === 'real' || column.dataType === 'numeric' ? column.dataType : undefined;
}

export function converterFor(column: ColumnInfo, options: ConversionOptions): FieldConverter {
  const write = writerFor(column, options);
  if (column.nullable) {
    return function nullable(value: unknown, out: CopyBuffer) {
      if (!write(value, out)) out.null();
    };
  }
  return function notNull(value: unknown, out: CopyBuffer) {
    if (!write(value, out)) throw new FieldError(1213, 'Missing data for not-null field');
  };
}

function writerFor(column: ColumnInfo, options: ConversionOptions): FieldWriter {
  const type = column.dataType;
  if (type === 'character varying' || type === 'character' || type === 'text') {
    const max = column.maxLength ?? (type === 'text' ? Infinity : 1);
    const singleByte = type === 'character';
    return function characters(value: unknown, out: CopyBuffer) {
      if (value === null || value === undefined) return false;
      const s = asText(value);
      if (options.emptyAsNull && s === '') return false;
      if (options.blanksAsNull && isBlank(s)) return false;
      if (s.includes('\0')) throw new FieldError(1220, 'Invalid null byte in the value (use NULL AS to load it as NULL)');
      const bytes = out.text(s);
      if (singleByte && bytes !== s.length) {
        throw new FieldError(1220, 'Multibyte character not supported for CHAR (Hint: try using VARCHAR). Invalid char');
      }
      if (bytes > max) {
        if (!options.truncateColumns) throw new FieldError(1204, `String length exceeds DDL length (${bytes} bytes > ${max})`);
        out.truncateText(bytes, max);
      }
      return true;
    };
  }
  const int = INT_TYPES[type];
  if (int !== undefined) {
    const { name, bytes, min, max } = int;
    // Exact as doubles for 2 and 4 bytes; for 8, 2^63 is exact and the bound is "below it".
    const low = Number(min);
    const high = bytes === 8 ? 2 ** 63 : Number(max) + 1;
    const fits = (n: number) => n >= low && n < high;
    const put = (out: CopyBuffer, n: number | bigint) => {
      if (bytes === 2) out.int16(Number(n));
      else if (bytes === 4) out.int32(Number(n));
      else out.int64(typeof n === 'number' && !Number.isSafeInteger(n) ? BigInt(n) : n);
    };
    return function integer(value: unknown, out: CopyBuffer) {
      if (value === null || value === undefined) return false;
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw invalidDigit(String(value), name);
        if (!fits(value)) throw new FieldError(1216, `Overflow, Value '${value}', Type: ${name}`);
        put(out, value);
        return true;
      }
      if (typeof value !== 'string') throw new FieldError(1207, `Invalid digit, Value '${asText(value)}', Pos 0, Type: ${name}`);
      const text = value.trim();
      if (text === '') return false;
      if (!INTEGER_TEXT.test(text)) throw invalidDigit(text, name);
      // Up to 15 digits a double holds the value exactly (and is much cheaper than a bigint).
      const n = text.length <= 15 ? Number(text) : BigInt(text);
      if (typeof n === 'number' ? !fits(n) : n < min || n > max) throw new FieldError(1216, `Overflow, Value '${text}', Type: ${name}`);
      put(out, n);
      return true;
    };
  }
  if (type === 'real' || type === 'double precision' || type === 'numeric') {
    const name = type === 'numeric' ? 'Decimal' : type === 'real' ? 'Real' : 'Double';
    const asCastText = castFromText(column) !== undefined;
    return function decimal(value: unknown, out: CopyBuffer) {
      if (value === null || value === undefined) return false;
      if (typeof value === 'number') {
        if (asCastText) {
          out.text(String(value));
          return true;
        }
        out.float64(value === 0 ? 0 : value); // -0 loads as 0, as its text '0' did
        return true;
      }
      if (typeof value !== 'string') throw new FieldError(1208, `Invalid digit, Value '${asText(value)}', Pos 0, Type: ${name}`);
      const text = value.trim();
      if (text === '') return false;
      if (!FLOAT_TEXT.test(text)) throw new FieldError(type === 'numeric' ? 1209 : 1208, `Invalid digit, Value '${text}', Pos 0, Type: ${name}`);
      if (asCastText) {
        out.text(text);
        return true;
      }
      const n = Number(text);
      // Postgres's float8in refuses what overflows to infinity or underflows to zero; so must this.
      if (!Number.isFinite(n) || (n === 0 && /[1-9]/.test(text.split(/[eE]/)[0]!))) {
        throw new Error(`"${text}" is out of range for type double precision`);
      }
      out.float64(n);
      return true;
    };
  }
  if (type === 'boolean') {
    return function boolean(value: unknown, out: CopyBuffer) {
      if (value === null || value === undefined) return false;
      if (typeof value === 'boolean') {
        out.bool(value);
        return true;
      }
      const text = asText(value).trim().toLowerCase();
      if (text === '') return false;
      if (['t', 'true', 'y', 'yes', '1'].includes(text)) out.bool(true);
      else if (['f', 'false', 'n', 'no', '0'].includes(text)) out.bool(false);
      else throw new FieldError(1210, `Invalid boolean value '${asText(value)}'`);
      return true;
    };
  }
  if (type === 'timestamp without time zone') return timestampWriter(options.timeFormat);
  if (type === 'date') return dateWriter(options.dateFormat);
  throw new TranslationError(`The local COPY cannot load column ${column.name} of type ${type}.`);
}

function timestampWriter(format: string | undefined): FieldWriter {
  const epoch = format === 'epochmillisecs' ? 1 : format === 'epochsecs' ? 1000 : 0;
  if (epoch === 0 && format !== undefined && format !== 'auto' && format !== 'YYYY-MM-DD HH:MI:SS') {
    throw new TranslationError(`TIMEFORMAT '${format}' is not emulated locally (use 'auto', 'epochsecs', 'epochmillisecs' or the default).`);
  }
  const pattern = format === 'auto' ? AUTO_TIMESTAMP : DEFAULT_TIMESTAMP;
  const invalid = (v: unknown) =>
    new FieldError(1206, `Invalid timestamp format or value [${format ?? 'YYYY-MM-DD HH24:MI:SS'}], Value '${asText(v)}'`);
  return function timestamp(value: unknown, out: CopyBuffer) {
    if (value === null || value === undefined) return false;
    if (epoch > 0) {
      const text = typeof value === 'string' ? value.trim() : value;
      if (text === '') return false;
      const n = typeof text === 'number' ? text : FLOAT_TEXT.test(String(text)) ? Number(text) : NaN;
      if (!Number.isFinite(n)) throw invalid(value);
      const micros = epochMicros(n * epoch);
      if (micros === undefined) throw invalid(value);
      out.int64(micros);
      return true;
    }
    if (typeof value !== 'string') throw invalid(value);
    const text = value.trim();
    if (text === '') return false;
    const m = pattern.exec(text);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
      throw invalid(value);
    }
    const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0));
    const fraction = m[7] === undefined ? 0 : Number(m[7].slice(1).padEnd(6, '0'));
    out.int64(microsSince2000(ms, fraction));
    return true;
  };
}

/**
 * Microseconds since 2000 of an epoch time in milliseconds, rounded to the microsecond; undefined outside
 * years 1 to 9999.
 */
function epochMicros(ms: number): number | bigint | undefined {
  let whole = Math.floor(ms);
  let micros = Math.round((ms - whole) * 1000);
  if (micros === 1000) {
    whole++;
    micros = 0;
  }
  if (whole < MIN_TIMESTAMP_MS || whole > MAX_TIMESTAMP_MS) return undefined;
  return microsSince2000(whole, micros);
}

function microsSince2000(epochMs: number, extraMicros: number): number | bigint {
  const ms = epochMs - PG_EPOCH_MS;
  return Math.abs(ms) < SAFE_MS ? ms * 1000 + extraMicros : BigInt(ms) * 1000n + BigInt(extraMicros);
}

function dateWriter(format: string | undefined): FieldWriter {
  if (format !== undefined && format !== 'auto' && format !== 'YYYY-MM-DD') {
    throw new TranslationError(`DATEFORMAT '${format}' is not emulated locally (use 'auto' or the default 'YYYY-MM-DD').`);
  }
  return function date(value: unknown, out: CopyBuffer) {
    if (value === null || value === undefined) return false;
    const text = asText(value).trim();
    if (text === '') return false;
    const m = DATE_TEXT.exec(text);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!)) throw new FieldError(1205, `Invalid date format or value [YYYY-MM-DD], Value '${text}'`);
    out.int32((Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - PG_EPOCH_MS) / DAY_MS);
    return true;
  };
}

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}
