/**
 * Text that is UTF-8 decoded as Latin-1 and encoded again, once or more (the sample's logs have "BjÃÂ¶rk" for
 * "Björk"): the warehouse keeps it as the source has it, and a data test counts it (sql/checks/double_encoded.sql);
 * the report shows it readably, with a footnote saying what is stored.
 */

/** A lead byte's character (Ã, Â…) followed by a continuation byte's: the mark of a double encoding. */
const DOUBLE_ENCODED = /[\u00C2-\u00F4][\u0080-\u00BF]/;

/** The text decoded back, or undefined when it is not double-encoded (or does not decode cleanly). */
export function repairDoubleEncoding(text: string): string | undefined {
  let current = text;
  // The sample's worst case is encoded twice over; three rounds is more than any seen.
  for (let round = 0; round < 3 && DOUBLE_ENCODED.test(current); round++) {
    // Only text made wholly of Latin-1 characters can be bytes read as Latin-1.
    if (/[^\u0000-\u00FF]/.test(current)) break;
    const decoded = Buffer.from(current, 'latin1').toString('utf8');
    if (decoded.includes('\uFFFD')) break;
    current = decoded;
  }
  return current === text ? undefined : current;
}

/**
 * The text with its control characters written out (U+0083): a double encoding turns the second byte of many
 * characters into a C1 control (ö is stored as Ã, U+0083, Â, ¶), which a page or a terminal draws as nothing
 * or an empty box, so a footnote saying what is stored would hide exactly what differs.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (c) => `<U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}>`);
}
