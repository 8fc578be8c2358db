/**
 * When a play matches a catalogue song: the one definition. sql/marts/songplays.sql implements it in the
 * warehouse; the generator counts its `matchedPlays` by it, so the two always agree.
 *
 * A play matches when the catalogue has a song with the same title and the same artist name, trailing spaces
 * ignored (Redshift ignores them when it compares VARCHARs). Its duration does not decide whether it
 * matches, only which song it matches when several do: the closest duration wins.
 */

/** The key two songs share exactly when a play of one matches the other. */
export function songMatchKey(title: string, artistName: string): string {
  return JSON.stringify([rtrim(title), rtrim(artistName)]);
}

/** RTRIM: trailing U+0020 only, as Redshift's RTRIM and its VARCHAR comparison treat them. */
function rtrim(text: string): string {
  return text.replace(/ +$/, '');
}
