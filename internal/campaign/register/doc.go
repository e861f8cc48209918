// Package register reads the comune's register extract (CITIZENS.csv) for the
// replacement campaign: every row validated, the whole file rejected with every bad
// row listed when any row is wrong, UTF-8 or Latin-1 as demographic software exports
// it. It knows no database; the store upserts what it returns, so a re-import of the
// same file changes nothing.
package register
