-- Counts the rows whose column reads as UTF-8 that was decoded as Latin-1 and encoded again ("BjÃ¶rk" for
-- "Björk", "Ã©" for "é"): a lead byte's character (Ã or Â) followed by a continuation byte's (¡ to ¿).
-- A warning, not a failure: the warehouse keeps what the source says; the report shows it readably.
-- An aggregate over the tested table, aliased child.
COUNT(CASE WHEN child.{{column}} ~ '[ÃÂ][¡-¿]' THEN 1 END)
