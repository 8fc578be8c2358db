/**
 * Converts one JSON value into the CSV field Postgres's COPY reads, by Redshift's COPY rules for the
 * target column's type. A value Redshift would reject throws a FieldError with Redshift's error code and
 * wording where known; nothing is coerced that Redshift would refuse.
 *
 * Rules (Redshift's documented COPY data conversion):
 * - A missing key or JSON null loads NULL.
 * - CHAR/VARCHAR: lengths are BYTES of UTF-8; a longer value fails unless TRUNCATECOLUMNS. EMPTYASNULL turns
 *   "" into NULL, BLANKSASNULL turns whitespace-only into NULL; without them they load as they are.
 *   CHAR takes single-byte characters only.
 * - Other types: an empty or blank field always loads NULL; otherwise the text must parse as the type.
 * - TIMESTAMP: TIMEFORMAT 'epochmillisecs' / 'epochsecs' take numbers; the default format is
 *   'YYYY-MM-DD HH:MI:SS' (fractions allowed); 'auto' also takes ISO 8601's 'T'.
 */
import { TranslationError } from '../../errors';

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

/** Turns a value into a CSV field: '' is NULL, a quoted field is a string. */
export type FieldConverter = (value: unknown) => string;

const INT_RANGES: Record<string, [bigint, bigint, string]> = {
  smallint: [-32768n, 32767n, 'Smallint'],
  integer: [-2147483648n, 2147483647n, 'Integer'],
  bigint: [-9223372036854775808n, 9223372036854775807n, 'Bigint'],
};
const BLANK = /^\s+$/;
const INTEGER_TEXT = /^[+-]?\d+$/;
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DEFAULT_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?$/;
const AUTO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?$/;
const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

function quote(s: string): string {
  return s.includes('"') ? `"${s.replace(/"/g, '""')}"` : `"${s}"`;
}

/** The value as the text Redshift would read from the file. */
function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

function invalidDigit(text: string, type: string): FieldError {
  const bad = [...text].findIndex((ch, i) => !(/\d/.test(ch) || (i === 0 && /[+-]/.test(ch))));
  const pos = Math.max(bad, 0);
  return new FieldError(1207, `Invalid digit, Value '${text[pos] ?? ''}', Pos ${pos}, Type: ${type}`, pos);
}

export function converterFor(column: ColumnInfo, options: ConversionOptions): FieldConverter {
  const type = column.dataType;
  const notNull = (f: FieldConverter): FieldConverter =>
    column.nullable
      ? f
      : (value) => {
          const field = f(value);
          if (field === '') throw new FieldError(1213, 'Missing data for not-null field');
          return field;
        };

  if (type === 'character varying' || type === 'character' || type === 'text') {
    const max = column.maxLength ?? (type === 'text' ? Infinity : 1);
    const singleByte = type === 'character';
    return notNull((value) => {
      if (value === null || value === undefined) return '';
      let s = asText(value);
      if (options.emptyAsNull && s === '') return '';
      if (options.blanksAsNull && BLANK.test(s)) return '';
      if (s.includes('\0')) throw new FieldError(1220, 'Invalid null byte in the value (use NULL AS to load it as NULL)');
      const bytes = Buffer.byteLength(s);
      if (singleByte && bytes !== s.length) {
        throw new FieldError(1220, 'Multibyte character not supported for CHAR (Hint: try using VARCHAR). Invalid char');
      }
      if (bytes > max) {
        if (!options.truncateColumns) throw new FieldError(1204, `String length exceeds DDL length (${bytes} bytes > ${max})`);
        s = truncateUtf8(s, max);
      }
      return quote(s);
    });
  }
  const intRange = INT_RANGES[type];
  if (intRange !== undefined) {
    const [min, max, name] = intRange;
    return notNull((value) => {
      if (value === null || value === undefined) return '';
      if (typeof value === 'number') {
        if (!Number.isInteger(value)) throw invalidDigit(String(value), name);
        if (value < min || value > max) throw new FieldError(1216, `Overflow, Value '${value}', Type: ${name}`);
        return String(value);
      }
      if (typeof value !== 'string') throw new FieldError(1207, `Invalid digit, Value '${asText(value)}', Pos 0, Type: ${name}`);
      const text = value.trim();
      if (text === '') return '';
      if (!INTEGER_TEXT.test(text)) throw invalidDigit(text, name);
      const n = BigInt(text);
      if (n < min || n > max) throw new FieldError(1216, `Overflow, Value '${text}', Type: ${name}`);
      return n.toString();
    });
  }
  if (type === 'real' || type === 'double precision' || type === 'numeric') {
    const name = type === 'numeric' ? 'Decimal' : type === 'real' ? 'Real' : 'Double';
    return notNull((value) => {
      if (value === null || value === undefined) return '';
      if (typeof value === 'number') return String(value);
      if (typeof value !== 'string') throw new FieldError(1208, `Invalid digit, Value '${asText(value)}', Pos 0, Type: ${name}`);
      const text = value.trim();
      if (text === '') return '';
      if (!FLOAT_TEXT.test(text)) throw new FieldError(type === 'numeric' ? 1209 : 1208, `Invalid digit, Value '${text}', Pos 0, Type: ${name}`);
      return text;
    });
  }
  if (type === 'boolean') {
    return notNull((value) => {
      if (value === null || value === undefined) return '';
      if (typeof value === 'boolean') return value ? 't' : 'f';
      const text = asText(value).trim().toLowerCase();
      if (text === '') return '';
      if (['t', 'true', 'y', 'yes', '1'].includes(text)) return 't';
      if (['f', 'false', 'n', 'no', '0'].includes(text)) return 'f';
      throw new FieldError(1210, `Invalid boolean value '${asText(value)}'`);
    });
  }
  if (type === 'timestamp without time zone') return notNull(timestampConverter(options.timeFormat));
  if (type === 'date') return notNull(dateConverter(options.dateFormat));
  throw new TranslationError(`The local COPY cannot load column ${column.name} of type ${type}.`);
}

function timestampConverter(format: string | undefined): FieldConverter {
  const epoch = format === 'epochmillisecs' ? 1 : format === 'epochsecs' ? 1000 : 0;
  if (epoch === 0 && format !== undefined && format !== 'auto' && format !== 'YYYY-MM-DD HH:MI:SS') {
    throw new TranslationError(`TIMEFORMAT '${format}' is not emulated locally (use 'auto', 'epochsecs', 'epochmillisecs' or the default).`);
  }
  const pattern = format === 'auto' ? AUTO_TIMESTAMP : DEFAULT_TIMESTAMP;
  const invalid = (v: unknown) =>
    new FieldError(1206, `Invalid timestamp format or value [${format ?? 'YYYY-MM-DD HH24:MI:SS'}], Value '${asText(v)}'`);
  return (value) => {
    if (value === null || value === undefined) return '';
    if (epoch > 0) {
      const text = typeof value === 'string' ? value.trim() : value;
      if (text === '') return '';
      const n = typeof text === 'number' ? text : FLOAT_TEXT.test(String(text)) ? Number(text) : NaN;
      if (!Number.isFinite(n)) throw invalid(value);
      return formatEpochMillis(n * epoch);
    }
    if (typeof value !== 'string') throw invalid(value);
    const text = value.trim();
    if (text === '') return '';
    const m = pattern.exec(text);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!) || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6] ?? 0) > 59) {
      throw invalid(value);
    }
    return text.replace('T', ' ');
  };
}

function dateConverter(format: string | undefined): FieldConverter {
  if (format !== undefined && format !== 'auto' && format !== 'YYYY-MM-DD') {
    throw new TranslationError(`DATEFORMAT '${format}' is not emulated locally (use 'auto' or the default 'YYYY-MM-DD').`);
  }
  return (value) => {
    if (value === null || value === undefined) return '';
    const text = asText(value).trim();
    if (text === '') return '';
    const m = DATE_TEXT.exec(text);
    if (!m || !validDate(m[1]!, m[2]!, m[3]!)) throw new FieldError(1205, `Invalid date format or value [YYYY-MM-DD], Value '${text}'`);
    return text;
  };
}

function validDate(y: string, m: string, d: string): boolean {
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCFullYear() === Number(y) && date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d);
}

/** 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC; microseconds kept when the value has them. */
export function formatEpochMillis(ms: number): string {
  const whole = Math.floor(ms);
  const iso = new Date(whole).toISOString(); // 2018-11-01T21:01:46.796Z
  const micros = Math.round((ms - whole) * 1000);
  const base = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  return micros === 0 ? base : base + String(micros).padStart(3, '0');
}

function truncateUtf8(s: string, maxBytes: number): string {
  const buf = Buffer.from(s);
  let end = maxBytes;
  while (end > 0 && (buf[end]! & 0xc0) === 0x80) end--; // never cut a character in half
  return buf.subarray(0, end).toString();
}
