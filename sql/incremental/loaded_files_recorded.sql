-- What each published day was loaded from, for --new to compare with the listing.
SELECT day, uri, size, version
FROM loaded_files
WHERE day IS NOT NULL
ORDER BY day, uri;
