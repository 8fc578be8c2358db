-- Counts the rows whose column reads as UTF-8 that was decoded as Latin-1 and encoded again ("BjÃ¶rk" for
-- "Björk", "Ã©" for "é"): a lead byte's character (Ã or Â) followed by a continuation byte's (¡ to ¿).
-- A warning, not a failure: the warehouse keeps what the source says; the report shows it readably.
-- An aggregate over the tested table, aliased child. The STRPOS tests only let through the rare value that
-- holds Ã or Â, which the pattern needs: a regular expression converts every value it reads to wide
-- characters first, 0.6 s over the 850,000 songplays of a 1M-event load, where STRPOS reads bytes.
COUNT(CASE WHEN (STRPOS(child.{{column}}, 'Ã') > 0 OR STRPOS(child.{{column}}, 'Â') > 0) AND child.{{column}} ~ '[ÃÂ][¡-¿]' THEN 1 END)
